/**
 * The documented episode view is the contract's: the zod schema's type equals `EpisodeView` (checked
 * by the type checker, events aside: their type-specific fields are documented loosely), and its
 * example parses.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { episodeViewSchema } from '../../../src/api/view-schema.js';
import type { EpisodeView } from '../../../src/contracts/index.js';

type Documented = Omit<z.output<typeof episodeViewSchema>, 'recentEvents'>;
type Contract = Omit<EpisodeView, 'recentEvents'>;

describe('EpisodeView schema', () => {
  it('has exactly the fields and types of the contract', () => {
    expectTypeOf<Documented>().toEqualTypeOf<Contract>();
    expectTypeOf<EpisodeView['recentEvents'][number]['seq']>().toEqualTypeOf<number>();
  });

  it('its example parses', () => {
    const meta = episodeViewSchema.meta() as { examples: unknown[] };
    expect(episodeViewSchema.safeParse(meta.examples[0]).success).toBe(true);
  });
});
