/**
 * The import graph of `src/` (type-only imports included, as `tsc` sees them): no circle anywhere, the
 * API never imports the top-level worker, and activities and contracts never import the workflows.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { type DependencyTree, parseCircular, parseDependencyTree } from 'dpdm';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';

let tree: DependencyTree;
beforeAll(async () => {
  tree = await parseDependencyTree(['src/**/*.ts', 'worker.ts'], {
    context: projectRoot,
    // keep `import type` edges: a type-only circle still ties two rooms together
    transform: false,
    skipDynamicImports: false,
  });
}, 60_000);

/** Every (importer, imported) pair between project files. */
function edges(): Array<[string, string]> {
  return Object.entries(tree).flatMap(([from, deps]) =>
    (deps ?? []).flatMap((d) =>
      d.id && !d.id.startsWith('node_modules/') ? [[from, d.id] as [string, string]] : [],
    ),
  );
}

describe('the import graph of src/', () => {
  it('sees type-only imports and every source file', () => {
    // `import type { AppDeps } from '../deps.js'` is the only import of deps.ts by health.ts
    expect(edges()).toContainEqual(['src/api/routes/health.ts', 'src/api/deps.ts']);
    const sources = readdirSync(path.join(projectRoot, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src/${f.split(path.sep).join('/')}`);
    expect(sources.length).toBeGreaterThan(50);
    expect(Object.keys(tree)).toEqual(expect.arrayContaining(sources));
  });

  it('has no import circle', () => {
    expect(parseCircular(tree).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('does not let the API import the top-level worker.ts', () => {
    expect(edges().filter(([from, to]) => from.startsWith('src/api/') && to === 'worker.ts')).toEqual([]);
  });

  it('does not let activities or contracts import the workflows', () => {
    const inward = edges().filter(
      ([from, to]) =>
        (from.startsWith('src/activities/') || from.startsWith('src/contracts/')) &&
        to.startsWith('src/workflows/'),
    );
    expect(inward).toEqual([]);
  });
});
