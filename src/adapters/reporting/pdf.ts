/**
 * PDF beside DOCX and HTML: LibreOffice (`soffice --headless --convert-to pdf`) renders the stored
 * DOCX, with a private profile per conversion so parallel conversions do not collide. Without
 * LibreOffice the product still works: `PdfUnavailableError` says so and the API answers 503.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class PdfUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`PDF unavailable: ${reason}`);
  }
}

/** Converts a DOCX to PDF with LibreOffice; throws PdfUnavailableError when it is missing or fails. */
export async function docxToPdf(docx: Buffer, soffice = 'soffice', timeoutMs = 120_000): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smog-pdf-'));
  try {
    const file = path.join(dir, 'document.docx');
    await writeFile(file, docx);
    try {
      await run(
        soffice,
        [
          `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
          '--headless',
          '--norestore',
          '--convert-to',
          'pdf',
          '--outdir',
          dir,
          file,
        ],
        { timeout: timeoutMs },
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new PdfUnavailableError(
        code === 'ENOENT' ? `LibreOffice (${soffice}) is not installed` : String(err),
      );
    }
    try {
      return await readFile(path.join(dir, 'document.pdf'));
    } catch {
      throw new PdfUnavailableError('LibreOffice produced no PDF');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
