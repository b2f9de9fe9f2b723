/**
 * The request validator (zod) of every route: fastify-type-provider-zod's, plus each issue's message in
 * Chinese — zod's zh-CN locale for zod's own messages, a message the schema wrote itself as written.
 * The error handler (src/api/problems.ts) answers the Chinese text to a zh-CN caller (the console).
 */
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';

const zhCN = z.locales.zhCN().localeError;
const en = z.locales.en().localeError;
type RawIssue = Parameters<typeof en>[0];

const text = (out: ReturnType<typeof en>) => (typeof out === 'string' ? out : out?.message);

/** The Chinese message of an issue still carrying its input (zod's `reportInput`). */
export function chineseMessage(issue: z.core.$ZodIssue): string {
  const raw = issue as unknown as RawIssue;
  const isDefault = text(en(raw)) === issue.message;
  return isDefault ? (text(zhCN(raw)) ?? issue.message) : issue.message;
}

/** One failed field, as fastify carries it in `error.validation`. */
export interface ValidationItem {
  keyword: string;
  instancePath: string;
  message: string;
  params: { zh: string };
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    const items: ValidationItem[] = result.error.issues.map((issue) => ({
      keyword: issue.code,
      instancePath: `/${issue.path.map(String).join('/')}`,
      message: issue.message,
      params: { zh: chineseMessage(issue) },
    }));
    return { error: items as never };
  };
