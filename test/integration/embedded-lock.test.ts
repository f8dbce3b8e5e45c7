// The embedded database belongs to one process at a time: a second process (a CLI command beside the
// running service) would work on its own copy, and one of them would lose its writes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError, openDatabase } from '../../src/db/client.ts';

const root = mkdtempSync(join(tmpdir(), 'duluan-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the embedded database directory lock', () => {
  it('refuses a second opening while the first is open, and frees the directory on close', async () => {
    const dataDir = join(root, 'same');
    const first = await openDatabase({ dataDir });
    const lock = join(dataDir, 'pglite', 'duluan.lock');
    expect(existsSync(lock)).toBe(true);
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DatabaseInUseError);
    await first.close();
    expect(existsSync(lock)).toBe(false);
    const again = await openDatabase({ dataDir });
    await again.close();
  }, 60_000);

  it('refuses a directory a live process holds, naming the process', async () => {
    const dataDir = join(root, 'other');
    mkdirSync(join(dataDir, 'pglite'), { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(dataDir, 'pglite', 'duluan.lock'), String(holder.pid));
      await expect(openDatabase({ dataDir })).rejects.toThrow(new RegExp(`in use by process ${holder.pid}`));
    } finally {
      holder.kill();
    }
  }, 60_000);

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = join(root, 'stale');
    mkdirSync(join(dataDir, 'pglite'), { recursive: true });
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(join(dataDir, 'pglite', 'duluan.lock'), String(gone.pid));
    const database = await openDatabase({ dataDir });
    await database.close();
  }, 60_000);

  it('leaves in-memory databases alone', async () => {
    const a = await openDatabase({ dataDir: 'memory://' });
    const b = await openDatabase({ dataDir: 'memory://' });
    await Promise.all([a.close(), b.close()]);
  }, 60_000);
});
