/**
 * File imports (CSV or XLSX, one multipart part): the request body, the one file and its format, the
 * all-or-nothing refusal with its rows' errors, and the route every import is declared with.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OFFICE } from './access.js';
import type { AppDeps } from './deps.js';
import { ApiError, badRequest } from './errors.js';
import { errorBody } from './schemas.js';
import type { UploadedFile } from './security.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

export const importBody = z
  .object({
    file: z.string().optional().meta({ format: 'binary', description: 'the CSV or XLSX file' }),
    format: z.enum(['csv', 'xlsx']).optional(),
  })
  .describe('multipart/form-data: one file part; the format from `format` or the file name (.csv, .xlsx)');
export const importResult = z.object({ imported: z.number(), fileName: z.string() });

export function tabularFile(files: UploadedFile[] | undefined, format: 'csv' | 'xlsx' | undefined) {
  if (!files || files.length === 0)
    throw badRequest('no file: send the CSV or XLSX file as a multipart part');
  if (files.length > 1) throw badRequest('one file per import');
  const file = files[0]!;
  const ext = /\.(csv|xlsx)$/i.exec(file.fileName)?.[1]?.toLowerCase() as 'csv' | 'xlsx' | undefined;
  const fmt =
    format ??
    ext ??
    (file.mimeType === 'text/csv'
      ? 'csv'
      : file.mimeType === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
        ? 'xlsx'
        : undefined);
  if (!fmt) throw new ApiError(415, 'unsupported_media_type', 'a .csv or .xlsx file is expected');
  if (fmt === 'xlsx' && file.data.subarray(0, 2).toString('latin1') !== 'PK') {
    throw badRequest('the file is not an XLSX workbook', {
      errors: [{ line: 0, field: '文件', reason: '不是XLSX文件' }],
    });
  }
  return { file, format: fmt };
}

export function importFailed(errors: Array<{ line: number; field: string; reason: string }>): ApiError {
  return badRequest(
    `import refused, nothing imported: ${errors
      .slice(0, 5)
      .map((e) => `line ${e.line} ${e.field}: ${e.reason}`)
      .join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`,
    { errors },
  );
}

type App = Parameters<FastifyPluginAsyncZod<{ deps: AppDeps }>>[0];
type ImportInput = { fileName: string; content: Buffer; format: 'csv' | 'xlsx' };
type ImportOutcome = { imported: number; errors: Array<{ line: number; field: string; reason: string }> };

/** An office import: one file, imported whole or refused whole with its rows' errors (400). */
export function fileImportRoute(
  app: App,
  deps: AppDeps,
  o: {
    path: string;
    summary: string;
    description?: string;
    run: (input: ImportInput) => Promise<ImportOutcome>;
  },
): void {
  app.post(
    o.path,
    {
      config: { access: OFFICE, multipart: { maxFiles: 1, maxFileBytes: deps.limits.importBytes } },
      schema: {
        tags: ['reference'],
        summary: o.summary,
        description: `${o.description ? `${o.description} ` : ''}Row errors answer 400 with \`details.errors\`: [{ line, field, reason }].`,
        consumes: ['multipart/form-data'],
        security,
        body: importBody,
        response: { 200: importResult, ...errors, 413: errorBody, 415: errorBody },
      },
    },
    async (req) => {
      const { file, format } = tabularFile(req.uploads, req.body.format);
      const result = await o.run({ fileName: file.fileName, content: file.data, format });
      if (result.errors.length > 0) throw importFailed(result.errors);
      return { imported: result.imported, fileName: file.fileName };
    },
  );
}
