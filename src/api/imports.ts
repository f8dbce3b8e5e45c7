// Imports of feedback from CSV/XLSX files — JSON and the import pages. The work itself is the
// pipeline's, reached through the FeedbackImporter the composition root passes in.
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { ImportPreviewPage, ImportProgressPage, ImportUploadPage } from '../../dashboard/views/import-page.tsx';
import { getImport, listImportSourceNames, listImports } from '../db/queries/imports.ts';
import {
  type ColumnMapping,
  type FeedbackImporter,
  IMPORT_FIELDS,
  ImportFileError,
  MAX_IMPORT_BYTES,
} from '../domain/feedback-import.ts';
import type { Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';

export const IMPORT_ROLES: Role[] = ['admin', 'staff'];

/** The request body size imports need: a 15 MiB file sent as base64 in JSON, with room for the rest. */
export const IMPORT_BODY_LIMIT_BYTES = Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 1024 * 1024;

// Between preview and start the uploaded file waits here, for its uploader only, for a while.
const PENDING_TTL_MS = 30 * 60 * 1000;
const PENDING_MAX_TOTAL_BYTES = 128 * 1024 * 1024;

const columnIndex = z.number().int().min(0).max(10_000);
const MappingBody = z
  .object({
    content: columnIndex,
    title: columnIndex.nullable().optional(),
    author: columnIndex.nullable().optional(),
    date: columnIndex.nullable().optional(),
    channel: columnIndex.nullable().optional(),
  })
  .strict();

const FileBody = z.object({
  filename: z.string().trim().min(1).max(255),
  contentBase64: z.string().min(1).max(IMPORT_BODY_LIMIT_BYTES),
});
const PreviewBody = FileBody.strict();
const StartBody = FileBody.extend({
  mapping: MappingBody,
  sourceName: z.string().max(200).optional(),
}).strict();

interface Upload {
  filename: string;
  bytes: Uint8Array;
}

interface PendingUpload extends Upload {
  userId: number;
  expiresAt: number;
}

function fileErrorToApi(error: unknown): never {
  if (error instanceof ImportFileError) {
    if (error.code === 'too_large') throw new ApiError(413, 'payload_too_large', [{ code: error.code, message: error.message }]);
    throw new ApiError(422, 'validation_failed', [{ code: error.code, message: error.message }]);
  }
  throw error;
}

function decodeBase64(value: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) throw new ApiError(422, 'validation_failed', [{ code: 'invalid_base64', message: 'contentBase64 is not base64' }]);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new ApiError(413, 'payload_too_large', [{ code: 'too_large', message: `at most ${MAX_IMPORT_BYTES} bytes` }]);
  }
  return bytes;
}

async function uploadedFile(value: unknown): Promise<Upload | null> {
  if (!(value instanceof File)) return null;
  if (value.size > MAX_IMPORT_BYTES) throw new ImportFileError('too_large', `the file has ${value.size} bytes; at most ${MAX_IMPORT_BYTES}`);
  return { filename: value.name || 'upload', bytes: new Uint8Array(await value.arrayBuffer()) };
}

function isMultipart(c: AppContext): boolean {
  return (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** Reads the JSON body `{filename, contentBase64, …}` or a multipart upload (`file`, `mapping` as JSON text). */
async function readApiUpload(c: AppContext, withMapping: boolean): Promise<Upload & { mapping?: ColumnMapping; sourceName?: string }> {
  if (isMultipart(c)) {
    const form = await c.req.parseBody();
    const file = await uploadedFile(form.file).catch(fileErrorToApi);
    if (!file) throw new ApiError(422, 'validation_failed', [{ code: 'empty_file', message: 'no file in the "file" field' }]);
    if (!withMapping) return file;
    let mapping: unknown = null;
    try {
      mapping = JSON.parse(typeof form.mapping === 'string' ? form.mapping : 'null');
    } catch {
      mapping = null;
    }
    const parsed = MappingBody.safeParse(mapping);
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    return { ...file, mapping: parsed.data, sourceName: typeof form.sourceName === 'string' ? form.sourceName : undefined };
  }
  const body = await c.req.json().catch(() => null);
  const parsed = (withMapping ? StartBody : PreviewBody).safeParse(body);
  if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
  const data = parsed.data as z.infer<typeof StartBody>;
  return { filename: data.filename, bytes: decodeBase64(data.contentBase64), mapping: data.mapping, sourceName: data.sourceName };
}

function mappingFromForm(form: Record<string, unknown>): Partial<Record<(typeof IMPORT_FIELDS)[number], number | null>> {
  const mapping: Partial<Record<(typeof IMPORT_FIELDS)[number], number | null>> = {};
  for (const field of IMPORT_FIELDS) {
    const value = form[`map_${field}`];
    mapping[field] = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : null;
  }
  return mapping;
}

/** Returns the import routes: preview, start and progress, as JSON under /api and as pages. */
export function importRoutes(importer: FeedbackImporter): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const pending = new Map<string, PendingUpload>();

  function keep(upload: Upload, userId: number): string {
    const now = Date.now();
    for (const [token, entry] of pending) if (entry.expiresAt < now) pending.delete(token);
    let total = upload.bytes.length;
    for (const entry of pending.values()) total += entry.bytes.length;
    // Oldest first (Map keeps insertion order) until the new file fits.
    for (const [token, entry] of pending) {
      if (total <= PENDING_MAX_TOTAL_BYTES) break;
      pending.delete(token);
      total -= entry.bytes.length;
    }
    const token = randomBytes(18).toString('base64url');
    pending.set(token, { ...upload, userId, expiresAt: now + PENDING_TTL_MS });
    return token;
  }

  function take(token: unknown, userId: number): PendingUpload | null {
    if (typeof token !== 'string') return null;
    const entry = pending.get(token);
    if (!entry || entry.userId !== userId || entry.expiresAt < Date.now()) return null;
    return entry;
  }

  async function renderUpload(c: AppContext, extra: { error?: string; sourceName?: string } = {}, status: 200 | 413 | 422 = 200) {
    const db = c.get('deps').db;
    const [sourceNames, imports] = await Promise.all([listImportSourceNames(db), listImports(db)]);
    return c.html(ImportUploadPage({ user: c.get('user')!, locale: c.get('locale'), sourceNames, imports, ...extra }), status);
  }

  // JSON

  routes.post('/api/imports/preview', requireRole(...IMPORT_ROLES), async (c) => {
    const upload = await readApiUpload(c, false);
    const preview = await importer.preview(upload).catch(fileErrorToApi);
    return c.json(preview);
  });

  routes.post('/api/imports', requireRole(...IMPORT_ROLES), async (c) => {
    const upload = await readApiUpload(c, true);
    const { importId } = await importer
      .start({
        filename: upload.filename,
        bytes: upload.bytes,
        mapping: upload.mapping!,
        sourceName: upload.sourceName,
        userId: c.get('user')!.id,
      })
      .catch(fileErrorToApi);
    c.header('Location', `/api/imports/${importId}`);
    return c.json({ id: importId, status: 'pending' }, 202);
  });

  routes.get('/api/imports', requireRole(...IMPORT_ROLES), async (c) => c.json({ imports: await listImports(c.get('deps').db) }));

  routes.get('/api/imports/:id', requireRole(...IMPORT_ROLES), async (c) => {
    const record = await getImport(c.get('deps').db, idParam(c));
    if (!record) throw new ApiError(404, 'not_found');
    return c.json(record);
  });

  // Pages

  routes.get('/imports', requireRole(...IMPORT_ROLES), (c) => renderUpload(c));
  // The preview is a POST; its address reloaded or bookmarked goes back to the upload form.
  routes.get('/imports/preview', requireRole(...IMPORT_ROLES), (c) => c.redirect('/imports', 303));

  routes.post('/imports/preview', requireRole(...IMPORT_ROLES), async (c) => {
    const form = await c.req.parseBody();
    const sourceName = typeof form.sourceName === 'string' ? form.sourceName : '';
    try {
      const upload = await uploadedFile(form.file);
      if (!upload || upload.bytes.length === 0) return renderUpload(c, { error: 'empty_file', sourceName }, 422);
      const preview = await importer.preview(upload);
      const token = keep(upload, c.get('user')!.id);
      return c.html(
        ImportPreviewPage({ user: c.get('user')!, locale: c.get('locale'), filename: upload.filename, sourceName, token, preview }),
      );
    } catch (error) {
      if (error instanceof ImportFileError) return renderUpload(c, { error: error.code, sourceName }, error.code === 'too_large' ? 413 : 422);
      throw error;
    }
  });

  routes.post('/imports', requireRole(...IMPORT_ROLES), async (c) => {
    const form = await c.req.parseBody();
    const user = c.get('user')!;
    const sourceName = typeof form.sourceName === 'string' ? form.sourceName : '';
    const upload = take(form.token, user.id);
    if (!upload) return renderUpload(c, { error: 'preview_expired', sourceName }, 422);
    const mapping = mappingFromForm(form);
    try {
      if (mapping.content === null || mapping.content === undefined) throw new ImportFileError('invalid_mapping', 'no content column');
      const { importId } = await importer.start({
        filename: upload.filename,
        bytes: upload.bytes,
        mapping: { ...mapping, content: mapping.content },
        sourceName,
        userId: user.id,
      });
      pending.delete(form.token as string);
      return c.redirect(`/imports/${importId}`, 303);
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      const preview = await importer.preview(upload).catch(() => null);
      if (!preview) return renderUpload(c, { error: error.code, sourceName }, 422);
      return c.html(
        ImportPreviewPage({
          user,
          locale: c.get('locale'),
          filename: upload.filename,
          sourceName,
          token: form.token as string,
          preview,
          mapping,
          error: error.code,
        }),
        422,
      );
    }
  });

  routes.get('/imports/:id', requireRole(...IMPORT_ROLES), async (c) => {
    const record = await getImport(c.get('deps').db, idParam(c));
    if (!record) throw new ApiError(404, 'not_found');
    if (record.status === 'pending' || record.status === 'running') c.header('Refresh', '2');
    return c.html(ImportProgressPage({ user: c.get('user')!, locale: c.get('locale'), record }));
  });

  return routes;
}
