/**
 * Recipient routes: which channel targets a plan recipient ('branch.beipiao', 'public', …) reaches.
 * Loaded from a JSON file (NOTIFY_ROUTES_FILE):
 *
 * {
 *   "default": [{ "channel": "log" }],
 *   "recipients": {
 *     "branch.beipiao": [{ "channel": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" },
 *                        { "channel": "sms", "phone": "13800000000" }],
 *     "public": [{ "channel": "webhook", "url": "https://publish.example.gov.cn/cap" },
 *                { "channel": "webhook", "url": "https://weibo-relay.example.gov.cn/post", "exercises": true }]
 *   }
 * }
 *
 * A recipient without an entry gets `default`. Exercise warnings reach a target of "public" only
 * when it says `"exercises": true`. Without a file everything goes to the log only.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DomainError, ErrorCode, formatPath } from '../../domain/errors.js';
import type { ChannelTarget } from './types.js';

const url = z.string().url();
/** A public-recipient target that also takes exercise warnings (the office decides, in this file). */
const exercises = z.boolean().optional();
const targetSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('log'), exercises }).strict(),
  z
    .object({
      channel: z.literal('webhook'),
      url,
      headers: z.record(z.string(), z.string()).optional(),
      exercises,
    })
    .strict(),
  z
    .object({ channel: z.literal('wecom'), url, mentionedMobiles: z.array(z.string()).optional(), exercises })
    .strict(),
  z
    .object({
      channel: z.literal('dingtalk'),
      url,
      secret: z.string().min(1).optional(),
      atMobiles: z.array(z.string()).optional(),
      exercises,
    })
    .strict(),
  z.object({ channel: z.literal('email'), to: z.string().email(), exercises }).strict(),
  z
    .object({ channel: z.literal('sms'), phone: z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/), exercises })
    .strict(),
]);

export const recipientRoutesSchema = z
  .object({
    default: z.array(targetSchema).default([{ channel: 'log' }]),
    recipients: z.record(z.string().min(1), z.array(targetSchema)).default({}),
  })
  .strict();

export interface RecipientRoutes {
  default: ChannelTarget[];
  recipients: Record<string, ChannelTarget[]>;
}

export const LOG_ONLY_ROUTES: RecipientRoutes = Object.freeze({
  default: [{ channel: 'log' }],
  recipients: {},
}) as RecipientRoutes;

export function parseRecipientRoutes(value: unknown): RecipientRoutes {
  const parsed = recipientRoutesSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new DomainError(
      ErrorCode.VALIDATION,
      `invalid recipient routes: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return parsed.data as RecipientRoutes;
}

/** Reads the routes file; no path → log only. */
export async function loadRecipientRoutes(file: string | undefined): Promise<RecipientRoutes> {
  if (!file) return LOG_ONLY_ROUTES;
  return parseRecipientRoutes(JSON.parse(await readFile(file, 'utf8')));
}

export function routesFor(routes: RecipientRoutes, recipientId: string): ChannelTarget[] {
  return Object.hasOwn(routes.recipients, recipientId)
    ? (routes.recipients[recipientId] as ChannelTarget[])
    : routes.default;
}
