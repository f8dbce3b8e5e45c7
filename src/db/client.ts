// Opens the database: embedded PGlite in DATA_DIR when no DATABASE_URL, else PostgreSQL via postgres.js.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

/** The drizzle handle every query function takes; the same type for PGlite and postgres.js. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database and what the rest of the process needs to know about it. */
export interface Database {
  db: Db;
  kind: 'embedded' | 'postgres';
  /** Where the data lives, for logs: a directory or a URL with the password removed. */
  location: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  /** Directory for the embedded database; `memory://` keeps it in memory (tests). */
  dataDir: string;
  maxConnections?: number;
}

/** Returns an open database: postgres.js when a URL is given, else embedded PGlite. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    await db.execute(sql`select 1`);
    return {
      db,
      kind: 'postgres',
      location: redactUrl(options.databaseUrl),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir === 'memory://' ? undefined : resolve(options.dataDir, 'pglite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'embedded',
    location: dataDir ?? 'memory',
    close: () => client.close(),
  };
}

/** Returns the URL with any password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
