// A fresh, migrated database per test file: embedded PGlite, or a new database on the real
// PostgreSQL server named by TEST_DATABASE_URL (dropped afterwards).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { loadTestServices } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';

export interface TestDatabase extends Database {
  /** The URL of the real database, when one is used. */
  url?: string;
}

let announced = false;

/** Returns a migrated, empty database; call close() when done. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { databaseUrl } = loadTestServices();
  if (!announced) {
    announced = true;
    console.info(databaseUrl ? `tests use PostgreSQL at ${new URL(databaseUrl).host}` : 'tests use embedded PostgreSQL (PGlite)');
  }
  if (!databaseUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return database;
  }
  const name = `duluan_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused' });
  await runMigrations(database, url.toString());
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const cleanup = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}
