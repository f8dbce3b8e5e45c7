// LibreOffice and poppler for document tests: .docx → PDF with `soffice`, PDF → text with `pdftotext`.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadTestServices } from '../../src/config.ts';

const run = promisify(execFile);

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns whether LibreOffice and pdftotext are installed; in CI a missing one is an error, not a skip. */
export function officeAvailable(): boolean {
  const missing = ['soffice', 'pdftotext', 'pdfinfo'].filter((command) => !hasCommand(command));
  if (missing.length === 0) return true;
  const message = `${missing.join(', ')} missing: the .docx → PDF tests cannot run (install them with: apt-get install -y libreoffice-writer poppler-utils)`;
  if (loadTestServices().requireBrowser) throw new Error(message);
  console.warn(`\n!!! SKIPPED: ${message}\n`);
  return false;
}

/** What LibreOffice made of a document: the PDF's text (NFC) and what pdfinfo says about it. */
export interface ConvertedPdf {
  text: string;
  info: string;
}

/** Returns the text and pdfinfo of the PDF LibreOffice makes from `document` (a .docx). */
export async function convertDocxToPdf(document: Buffer): Promise<ConvertedPdf> {
  const dir = await mkdtemp(join(tmpdir(), 'duluan-docx-'));
  try {
    const input = join(dir, 'report.docx');
    await writeFile(input, document);
    // A profile of its own: two LibreOffice runs sharing one profile make the second one fail.
    const profile = pathToFileURL(join(dir, 'profile')).href;
    await run('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, input], {
      timeout: 120_000,
      env: { ...process.env, HOME: dir },
    });
    const pdf = join(dir, 'report.pdf');
    await readFile(pdf); // fails loudly when LibreOffice produced nothing
    const { stdout: text } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-']);
    const { stdout: info } = await run('pdfinfo', [pdf]);
    return { text: text.normalize('NFC'), info };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
