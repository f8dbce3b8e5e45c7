// Reads and writes of feedback imports: the import row's progress and errors, and import sources.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { ImportRecord, ImportRowError, ImportStatus } from '../../domain/feedback-import.ts';
import type { Source } from '../../domain/source.ts';
import type { Db } from '../client.ts';
import { imports, sources } from '../schema.ts';
import { getSource } from './sources.ts';

const importColumns = {
  id: imports.id,
  sourceId: imports.sourceId,
  sourceName: sources.name,
  filename: imports.filename,
  status: imports.status,
  totalRows: imports.totalRows,
  processedRows: imports.processedRows,
  stored: imports.stored,
  skipped: imports.skipped,
  errors: imports.errors,
  createdBy: imports.createdBy,
  createdAt: imports.createdAt,
  finishedAt: imports.finishedAt,
};

/** Returns the import source with this name, creating it (kind `import`, no URL) when there is none. */
export async function findOrCreateImportSource(db: Db, name: string): Promise<Source> {
  const id = await db.transaction(async (tx) => {
    // Two uploads naming the same new source at once must not create it twice.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`duluan:import-source:${name}`}))`);
    const [existing] = await tx
      .select({ id: sources.id })
      .from(sources)
      .where(and(eq(sources.kind, 'import'), eq(sources.name, name)))
      .orderBy(sources.id)
      .limit(1);
    if (existing) return existing.id;
    const [created] = await tx
      .insert(sources)
      .values({ kind: 'import', name, url: null, enabled: true })
      .returning({ id: sources.id });
    if (!created) throw new Error('db: insert into sources returned no row');
    return created.id;
  });
  const source = await getSource(db, id);
  if (!source) throw new Error(`db: import source ${id} vanished`);
  return source;
}

/** Returns the names of the import sources, for the upload form. */
export async function listImportSourceNames(db: Db): Promise<string[]> {
  const rows = await db.select({ name: sources.name }).from(sources).where(eq(sources.kind, 'import')).orderBy(sources.name);
  return [...new Set(rows.map((row) => row.name))];
}

/** Returns the id of a new pending import. */
export async function insertImport(
  db: Db,
  values: { sourceId: number; filename: string; totalRows: number; createdBy: number | null; errors?: ImportRowError[] },
): Promise<number> {
  const [row] = await db
    .insert(imports)
    .values({ ...values, status: 'pending', errors: values.errors ?? [] })
    .returning({ id: imports.id });
  if (!row) throw new Error('db: insert into imports returned no row');
  return row.id;
}

/** Records how far an import has got (a page shows it as a progress bar). */
export async function updateImportProgress(
  db: Db,
  id: number,
  progress: { status?: ImportStatus; totalRows?: number; processedRows: number; stored?: number },
): Promise<void> {
  await db.update(imports).set(progress).where(eq(imports.id, id));
}

/** Records how an import ended: its counts and every row error. */
export async function finishImport(
  db: Db,
  id: number,
  outcome: { status: 'done' | 'failed'; processedRows: number; stored: number; skipped: number; errors: ImportRowError[]; at: Date },
): Promise<void> {
  await db
    .update(imports)
    .set({
      status: outcome.status,
      processedRows: outcome.processedRows,
      stored: outcome.stored,
      skipped: outcome.skipped,
      errors: outcome.errors,
      finishedAt: outcome.at,
    })
    .where(eq(imports.id, id));
}

/** Returns the import with its errors, or null. */
export async function getImport(db: Db, id: number): Promise<ImportRecord | null> {
  const [row] = await db.select(importColumns).from(imports).innerJoin(sources, eq(sources.id, imports.sourceId)).where(eq(imports.id, id));
  return row ?? null;
}

/** Returns the most recent imports, newest first. */
export async function listImports(db: Db, limit = 20): Promise<ImportRecord[]> {
  return db.select(importColumns).from(imports).innerJoin(sources, eq(sources.id, imports.sourceId)).orderBy(desc(imports.id)).limit(limit);
}
