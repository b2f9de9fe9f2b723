/** The public page of warnings in force with their health advice (no login; readable on a phone). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type FeedAlertRow, entrySummary, loadFeed } from '../../adapters/notification/cap-feed.js';
import { formatCstChinese } from '../../adapters/notification/messages.js';
import { formatCstPeriod } from '../../adapters/notification/period.js';
import { defaultPlan } from '../../domain/index.js';
import type { ResponsePlan } from '../../domain/plan-types.js';
import type { AppDeps } from '../deps.js';
import { publicBase, publicSenderDefault } from '../public-links.js';

const esc = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c]!);

const COLORS: Record<string, { bg: string; fg: string }> = {
  yellow: { bg: '#ffd21f', fg: '#1a1a1a' },
  orange: { bg: '#f07800', fg: '#ffffff' },
  red: { bg: '#c8102e', fg: '#ffffff' },
};

function card(plan: ResponsePlan, r: FeedAlertRow): string {
  const level = plan.warning.levels.find((l) => l.level === r.level);
  const area = plan.jurisdictions.find((j) => j.id === r.jurisdiction)?.name ?? r.jurisdiction;
  const lifted = r.msg_type === 'Cancel';
  const color = lifted ? { bg: '#2e7d32', fg: '#ffffff' } : (COLORS[r.level] ?? COLORS.yellow!);
  const start = (r.effective ?? r.sent).getTime();
  return `<article class="warning" aria-label="${esc(entrySummary(plan, r))}">
  <header style="background:${color.bg};color:${color.fg}">
    <span class="area">${esc(area)}</span>
    <span class="level">${esc(lifted ? `${level?.name ?? ''}已解除` : (level?.name ?? r.level))}</span>
  </header>
  <div class="body">
    <p class="period">${(lifted
      ? `${formatCstChinese(start)}解除`
      : formatCstPeriod(start, r.expires?.getTime())
    )
      .split('至')
      .map((part) => `<span>${esc(part)}</span>`)
      .join('至')}${level && !lifted ? ` · <span>${esc(level.responseName)}</span>` : ''}</p>
    <h2>${esc(r.headline ?? '')}</h2>
    <p>${esc(r.description ?? '')}</p>
    ${r.instruction && !lifted ? `<section class="advice"><h3>健康防护提示</h3><p>${esc(r.instruction)}</p></section>` : ''}
  </div>
</article>`;
}

export interface PageContext {
  plan: ResponsePlan;
  /** The issuing office (NOTIFY_SENDER_NAME). */
  issuer: string;
  feedHref: string;
  nowMs: number;
}

export function renderWarningsPage(ctx: PageContext, rows: FeedAlertRow[]): string {
  const { plan, feedHref, nowMs } = ctx;
  const city = plan.jurisdictions.find((j) => j.id === plan.jurisdiction)?.name ?? '';
  const list = rows.length
    ? rows.map((r) => card(plan, r)).join('\n')
    : `<p class="none">${esc(city)}目前没有生效的重污染天气预警。</p>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(city)}重污染天气预警</title>
<link rel="alternate" type="application/atom+xml" title="预警信息订阅（CAP）" href="${esc(feedHref)}">
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
         background: #f4f5f7; color: #1a1a1a; font-size: 17px; line-height: 1.6; }
  main { max-width: 760px; margin: 0 auto; padding: 16px; }
  h1 { font-size: 1.4em; margin: 8px 0 4px; }
  .updated { color: #555; margin: 0 0 16px; font-size: .9em; }
  .warning { background: #fff; border-radius: 10px; overflow: hidden; margin-bottom: 16px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  .warning header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 4px 12px; padding: 10px 16px; font-weight: 700; font-size: 1.15em; }
  .warning .level, .period span { white-space: nowrap; }
  .warning .body { padding: 4px 16px 12px; }
  .warning h2 { font-size: 1.05em; margin: 8px 0; }
  .period { color: #444; margin: 8px 0 0; }
  .advice { background: #fff7e0; border-left: 4px solid #f07800; padding: 4px 12px; border-radius: 4px; }
  .advice h3 { font-size: 1em; margin: 6px 0 0; }
  .none { background: #fff; padding: 16px; border-radius: 10px; }
  footer { color: #555; font-size: .85em; margin-top: 24px; }
  a { color: #0b57d0; }
</style>
</head>
<body>
<main>
  <h1>${esc(city)}重污染天气预警</h1>
  <p class="updated">更新时间：${esc(formatCstChinese(nowMs))}</p>
  ${list}
  <footer>发布单位：${esc(ctx.issuer)}。<a href="${esc(feedHref)}">预警信息订阅（Atom / CAP 1.2）</a></footer>
</main>
</body>
</html>
`;
}

export const publicWarningPage: FastifyPluginAsyncZod<{ deps: AppDeps; cacheControl: string }> = async (
  app,
  { deps, cacheControl },
) => {
  app.get(
    '/public/warnings',
    {
      config: { access: 'public', rateLimit: { max: 240, timeWindow: 60_000 } },
      schema: {
        tags: ['public'],
        summary: 'Web page: the warnings in force with their health advice (Chinese, no login)',
        produces: ['text/html'],
        querystring: z.strictObject({}),
        response: { 200: z.string().describe('HTML page') },
      },
    },
    async (req, reply) => {
      const { rows } = await loadFeed(deps.pool, { all: false, includeExercises: false, days: 30 });
      const html = renderWarningsPage(
        {
          plan: defaultPlan,
          issuer: (deps.publicSender ?? publicSenderDefault).name,
          feedHref: `${publicBase(deps, req)}/public/cap`,
          nowMs: deps.now?.() ?? Date.now(),
        },
        rows,
      );
      return reply
        .header('cache-control', cacheControl)
        .header('content-type', 'text/html; charset=utf-8')
        .send(html);
    },
  );
};
