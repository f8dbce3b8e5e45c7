// The CLI's answer to input it cannot use: one line saying what is wrong, exit status 1, no stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'duluan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('duluan eval and train with bad input', () => {
  it.each([
    ['a missing file', join(dir, 'absent.tsv'), /no such file/],
    ['a directory', dir, /is a directory/],
    ['an empty file', file('empty.tsv', ''), /no label<TAB>text lines/],
    ['a line without a tab', file('no-tab.tsv', 'negative\tdở\nchỉ có chữ\n'), /line 2: expected label<TAB>text/],
    ['labels of neither task', file('mixed.tsv', 'clean\tổn\nnegative\tdở\n'), /neither negative\|neutral\|positive nor clean\|offensive\|hate/],
    ['binary bytes', file('binary.tsv', '\u0000\u0001\u0002'), /line 1: expected label<TAB>text/],
  ])('eval refuses %s with a clear message', async (_name, path, message) => {
    const result = await cli(['eval', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 30_000);

  it('train says which training file is missing', async () => {
    const result = await cli(['train', '--data-dir', join(dir, 'nowhere'), '--out', join(dir, 'models')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/training file .*uit-vsfc-train\.tsv is missing/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('duluan data-request with a bad receipt', () => {
  it('refuses a receipt that is no receipt in any of the accepted forms, before opening the database', async () => {
    const result = await cli(['data-request', '--kind', 'access', '--receipt', 'PA-12']);
    expect(result.code).toBe(2); // a usage error
    expect(result.stderr).toMatch(/--receipt looks like PA-XXXXXXXX/);
  });
});
