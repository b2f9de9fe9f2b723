/**
 * The public Atom feed of CAP alerts, after OASIS "CAP Feeds Example Practices": absolute links,
 * an author, Chinese titles and summaries, one entry per alert in force (the archive on request),
 * CAP facts as `cap:` extension elements, and a validator (ETag) and Last-Modified for conditional GETs.
 *
 * In force: the newest message of its episode (a later Update or Cancel supersedes it) whose
 * `expires` lies ahead; a Cancel (the all-clear) stays listed until its own expiry.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { create } from 'xmlbuilder2';
import type { ResponsePlan } from '../../domain/plan-types.js';
import { CAP_EVENT, CAP_NAMESPACE, capTime, GEOCODE_GBT2260 } from './cap.js';
import { formatCstPeriod } from './period.js';

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
/** How many entries a feed carries at most (keeps it far below the 900 KB aggregators accept). */
export const FEED_MAX_ENTRIES = 200;

export interface FeedAlertRow {
  identifier: string;
  msg_type: 'Alert' | 'Update' | 'Cancel';
  level: string;
  jurisdiction: string;
  exercise: boolean;
  sent: Date;
  effective: Date | null;
  expires: Date | null;
  headline: string | null;
  description: string | null;
  instruction: string | null;
  area_code: string | null;
}

export interface FeedQuery {
  /** The archive: every alert of the last `days` days, superseded and expired ones too. */
  all: boolean;
  includeExercises: boolean;
  days: number;
}

export interface FeedSnapshot {
  rows: FeedAlertRow[];
  /** When the feed's content last changed: the newest alert sent, or the latest expiry passed. */
  lastModified: Date;
}

/** Reads what the feed lists, and when that last changed, in one consistent query pair. */
export async function loadFeed(pool: pg.Pool, q: FeedQuery): Promise<FeedSnapshot> {
  const cols =
    'identifier, msg_type, level, jurisdiction, exercise, sent, effective, expires, headline, description, instruction, area_code';
  const scope = '($1::boolean OR NOT exercise)';
  const sql = q.all
    ? `SELECT ${cols} FROM cap_alerts WHERE ${scope} AND sent > now() - make_interval(days => $2::int)
       ORDER BY sent DESC, identifier DESC LIMIT ${FEED_MAX_ENTRIES}`
    : `SELECT * FROM (
         SELECT DISTINCT ON (episode_id) ${cols} FROM cap_alerts WHERE ${scope}
         ORDER BY episode_id, sent DESC, identifier DESC) latest
       WHERE expires > now() ORDER BY sent DESC, identifier DESC LIMIT ${FEED_MAX_ENTRIES}`;
  const [{ rows }, changed] = await Promise.all([
    pool.query<FeedAlertRow>(sql, q.all ? [q.includeExercises, q.days] : [q.includeExercises]),
    pool.query<{ sent: Date | null; expired: Date | null }>(
      `SELECT max(sent) AS sent, max(expires) FILTER (WHERE expires <= now()) AS expired
       FROM cap_alerts WHERE ${scope}`,
      [q.includeExercises],
    ),
  ]);
  const c = changed.rows[0];
  const times = [c?.sent, c?.expired].filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
  return { rows, lastModified: new Date(times.length ? Math.max(...times) : 0) };
}

export interface FeedContext {
  plan: ResponsePlan;
  /** Public base URL (API_PUBLIC_URL), no trailing slash. */
  baseUrl: string;
  sender: { id: string; name: string };
  query: FeedQuery;
}

const levelName = (plan: ResponsePlan, level: string) =>
  plan.warning.levels.find((l) => l.level === level)?.name ?? level;
const areaName = (plan: ResponsePlan, id: string) => plan.jurisdictions.find((j) => j.id === id)?.name ?? id;

const ACTION: Record<FeedAlertRow['msg_type'], string> = { Alert: '发布', Update: '调整', Cancel: '解除' };

/** The Chinese entry title: '北票市 橙色预警（发布）', exercises marked 【演练】. */
export function entryTitle(plan: ResponsePlan, r: FeedAlertRow): string {
  return `${r.exercise ? '【演练】' : ''}${areaName(plan, r.jurisdiction)} ${levelName(plan, r.level)}（${ACTION[r.msg_type]}）`;
}

/** The Chinese summary: level, area, period as people write it, headline. */
export function entrySummary(plan: ResponsePlan, r: FeedAlertRow): string {
  const level = levelName(plan, r.level);
  const what = r.msg_type === 'Cancel' ? `${level}已解除` : level;
  const start = (r.effective ?? r.sent).getTime();
  const period =
    r.msg_type === 'Cancel'
      ? `${formatCstPeriod(start).replace(/起$/, '')}解除`
      : formatCstPeriod(start, r.expires?.getTime());
  return `${areaName(plan, r.jurisdiction)}${what}，${period}。${r.headline ?? ''}`;
}

/** The feed document; deterministic for the same snapshot (so its hash is a strong ETag). */
export function buildCapFeed(ctx: FeedContext, snapshot: FeedSnapshot): string {
  const { plan, baseUrl } = ctx;
  const self = `${baseUrl}/public/cap${ctx.query.all ? '?all=true' : ''}`;
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM_NAMESPACE, 'feed', { 'xml:lang': 'zh-CN', 'xmlns:cap': CAP_NAMESPACE });
  feed.ele('id').txt(self);
  feed
    .ele('title')
    .txt(`${areaName(plan, plan.jurisdiction)}重污染天气预警${ctx.query.all ? '（全部）' : ''}`);
  feed
    .ele('subtitle')
    .txt(`${plan.name}：${ctx.query.all ? '近期全部预警信息' : '正在生效的预警信息'}（CAP 1.2）`);
  feed.ele('updated').txt(capTime(snapshot.lastModified.getTime()));
  const author = feed.ele('author');
  author.ele('name').txt(ctx.sender.name);
  author.ele('uri').txt(`${baseUrl}/public/warnings`);
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: self });
  feed.ele('link', { rel: 'alternate', type: 'text/html', href: `${baseUrl}/public/warnings` });
  for (const r of snapshot.rows) {
    const href = `${baseUrl}/public/cap/${encodeURIComponent(r.identifier)}`;
    const sent = capTime(r.sent.getTime());
    const e = feed.ele('entry');
    e.ele('id').txt(href);
    e.ele('title').txt(entryTitle(plan, r));
    e.ele('updated').txt(sent);
    e.ele('published').txt(sent);
    e.ele('author').ele('name').txt(ctx.sender.name);
    e.ele('link', { rel: 'alternate', type: 'application/cap+xml', href });
    e.ele('category', { term: r.level, label: levelName(plan, r.level) });
    e.ele('summary', { type: 'text' }).txt(entrySummary(plan, r));
    const cap = (name: string, value: string) => e.ele(CAP_NAMESPACE, `cap:${name}`).txt(value);
    cap('identifier', r.identifier);
    cap('sender', ctx.sender.id);
    cap('sent', sent);
    cap('status', r.exercise ? 'Exercise' : 'Actual');
    cap('msgType', r.msg_type);
    cap('event', CAP_EVENT);
    if (r.effective) cap('effective', capTime(r.effective.getTime()));
    if (r.expires) cap('expires', capTime(r.expires.getTime()));
    cap('areaDesc', areaName(plan, r.jurisdiction));
    if (r.area_code) {
      const g = e.ele(CAP_NAMESPACE, 'cap:geocode');
      g.ele(CAP_NAMESPACE, 'cap:valueName').txt(GEOCODE_GBT2260);
      g.ele(CAP_NAMESPACE, 'cap:value').txt(r.area_code);
    }
  }
  return doc.end({ prettyPrint: true });
}

/** A strong validator of the feed body. */
export function feedEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * RFC 9110 §13.1: If-None-Match decides when present (weak comparison), else If-Modified-Since
 * against Last-Modified at one-second resolution.
 */
export function notModified(
  headers: { 'if-none-match'?: string | undefined; 'if-modified-since'?: string | undefined },
  etag: string,
  lastModified: Date,
): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    const opaque = (t: string) => t.trim().replace(/^W\//, '');
    return inm.trim() === '*' || inm.split(',').some((t) => opaque(t) === opaque(etag));
  }
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}
