import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config.js';
import { installRuntime } from '../../worker.js';
import { episodeBundle } from '../episode-harness.js';

const dir = path.join(projectRoot, 'test', 'histories');

describe('golden histories', () => {
  it('replay against the current workflow code without nondeterminism', async () => {
    installRuntime();
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(5);
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: path.basename(file, '.json'),
        history: historyFromJSON(JSON.parse(await readFile(path.join(dir, file), 'utf8'))),
      })),
    );
    const results: Array<{ workflowId: string; error?: unknown }> = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await episodeBundle() },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error });
    }
    expect(results.map((r) => [r.workflowId, r.error ? String(r.error) : 'ok'])).toEqual(
      files.map((f) => [path.basename(f, '.json'), 'ok']),
    );
  });
});
