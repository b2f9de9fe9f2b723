/**
 * Plays a golden scenario (test/histories) back into PostgreSQL: its activity calls in their recorded
 * order against the real activities — events, reports, summaries, accounting, documents — under a
 * fresh episode id, then the warning notices and 通报 from the event log. Documents tests start here.
 */
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { logOnlyActivityDeps } from '../src/activities/deps.js';
import { createActivities } from '../src/activities/index.js';
import { produceEventDocuments } from '../src/adapters/reporting/notices.js';

// Not the electricity accounting: it reads the one global reduction list, which other tests of the run
// fill; the documents' wording of it is covered with fixed facts (test/unit/adapters/documents.test.ts).
const PLAYED = new Set(['recordEvents', 'storeReport', 'storeSummary', 'produceDocument']);

/** Plays a golden history's activity calls back (under a fresh episode id); returns that id. */
export async function playBackScenario(pool: pg.Pool, scenario: string): Promise<string> {
  const history = JSON.parse(await readFile(path.join('test/histories', `${scenario}.json`), 'utf8')) as {
    events: Array<{
      activityTaskScheduledEventAttributes?: {
        activityType: { name: string };
        input?: { payloads: Array<{ data: string }> };
      };
    }>;
  };
  const activities = createActivities(logOnlyActivityDeps(pool)) as unknown as Record<
    string,
    (input: unknown) => Promise<unknown>
  >;
  let original: string | undefined;
  // an id the API accepts, on a business date no other test uses (the documents do not print it)
  const n = randomInt(0, 700 * 366);
  const date = new Date(Date.UTC(2200, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const episodeId = `episode:chaoyang:${date}:${randomInt(10, 99)}`;
  for (const e of history.events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a || !PLAYED.has(a.activityType.name)) continue;
    let text = Buffer.from(a.input!.payloads[0]!.data, 'base64').toString('utf8');
    original ??= (JSON.parse(text) as { episodeId: string }).episodeId;
    text = text.split(original).join(episodeId);
    await activities[a.activityType.name]!(JSON.parse(text));
  }
  await produceEventDocuments(pool, episodeId);
  return episodeId;
}
