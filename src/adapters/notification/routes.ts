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
 * A recipient without an entry gets `default`. Exercise messages reach a target only when it says
 * `"exercises": true` (top-level `"exercises": "all"` opens the internal recipients' targets; the
 * public's stay flagged-only). Without a file everything goes to the log only.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DomainError, ErrorCode, formatPath } from '../../domain/errors.js';
import { type ChannelTarget, PUBLIC_RECIPIENT } from './types.js';

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
    /**
     * Where exercise messages go: 'flagged' (default) — only to targets marked `"exercises": true`,
     * the rest to the log; 'all' — every internal recipient's targets (the public stays flagged-only).
     */
    exercises: z.enum(['flagged', 'all']).default('flagged'),
    default: z.array(targetSchema).default([{ channel: 'log' }]),
    recipients: z.record(z.string().min(1), z.array(targetSchema)).default({}),
  })
  .strict();

export interface RecipientRoutes {
  exercises?: 'flagged' | 'all';
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

/**
 * The targets a message reaches (#17.8): an exercise only reaches targets the office marked for
 * exercises — unless the routes file says `"exercises": "all"`, which opens the internal recipients'
 * targets (never the public's). An empty answer means the log only.
 */
export function targetsFor(routes: RecipientRoutes, recipientId: string, exercise: boolean): ChannelTarget[] {
  const all = routesFor(routes, recipientId);
  if (!exercise) return all;
  const open = routes.exercises === 'all' && recipientId !== PUBLIC_RECIPIENT;
  return open ? all : all.filter((t) => t.exercises === true);
}

export function routesFor(routes: RecipientRoutes, recipientId: string): ChannelTarget[] {
  return Object.hasOwn(routes.recipients, recipientId)
    ? (routes.recipients[recipientId] as ChannelTarget[])
    : routes.default;
}
