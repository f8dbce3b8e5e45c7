// Opens the database: embedded PGlite in DATA_DIR when no DATABASE_URL, else PostgreSQL via postgres.js.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    const client = await PGlite.create({ dataDir, extensions: { pg_trgm } });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'embedded',
      location: dataDir ?? 'memory',
      close: async () => {
        try {
          await client.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** Another live process has the embedded database open: two processes would overwrite each other's writes. */
export class DatabaseInUseError extends Error {}

const LOCK_FILE = 'duluan.lock';

/**
 * Takes the embedded database directory for this process, or throws DatabaseInUseError when a live
 * process holds it (PGlite runs the database inside one process: a second one, such as a CLI
 * command beside the running service, would work on its own copy and one of them would lose its
 * writes). A lock left by a process that died is taken over. Returns the release.
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readPid(path) === process.pid) rmSync(path, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readPid(path);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseInUseError(
          `the embedded database in ${dataDir} is in use by process ${holder} (the running service?): stop it first, ` +
            `or run the service and its commands on PostgreSQL (DATABASE_URL); if process ${holder} is something else, delete ${path}`,
        );
      }
      if (holder === process.pid) {
        throw new DatabaseInUseError(`the embedded database in ${dataDir} is already open in this process`);
      }
      rmSync(path, { force: true }); // left by a process that is gone
    }
  }
  throw new DatabaseInUseError(`could not take the lock ${path}`);
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
