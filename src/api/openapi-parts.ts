// Pieces every OpenAPI path description uses (openapi.ts, openapi-privacy.ts).

/** A reference to a schema of the document's components. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A JSON body of this schema. */
export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
/** The error answers of these statuses, each an `Error` object. */
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: 'Error', ...json(ref('Error')) }]));
/** The `:id` path parameter: a positive integer. */
export const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
