/**
 * Fuzzing of the plan loader: arbitrary mutations of the default plan (a value replaced by any JSON
 * value or a wrong type, a key deleted, an unknown key added, an array item duplicated or dropped)
 * never make `validatePlan` throw, and `parsePlan` either accepts the plan or throws a DomainError
 * (PLAN_INVALID) whose issues carry field paths — never a TypeError, a RangeError or a zod error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../src/domain/errors.js';
import { parsePlan, validatePlan } from '../../src/domain/plan-schema.js';
import { defaultPlan } from '../../src/domain/plans/chaoyang-2024.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

const base = JSON.parse(JSON.stringify(defaultPlan)) as Json;

/** Every path into the plan (objects, arrays and leaves), excluding the root. */
const paths = (() => {
  const out: Path[] = [];
  const walk = (v: Json, prefix: Path) => {
    if (Array.isArray(v))
      v.forEach((x, i) => {
        out.push([...prefix, i]);
        walk(x, [...prefix, i]);
      });
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.push([...prefix, k]);
        walk(x, [...prefix, k]);
      }
  };
  walk(base, []);
  return out;
})();

type Mutation =
  | { kind: 'replace'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'addKey'; path: Path; key: string; value: unknown }
  | { kind: 'duplicate'; path: Path }
  | { kind: 'truncate'; path: Path };

const weird = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    0,
    1e308,
    '',
    '  ',
    '24:61',
    '99:99',
    '17:00',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: weird }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
  fc.record({
    kind: fc.constant('addKey' as const),
    path: fc.constantFrom([] as Path, ...paths),
    key: fc.string({ minLength: 1, maxLength: 8 }),
    value: weird,
  }),
  fc.record({ kind: fc.constant('duplicate' as const), path: fc.constantFrom(...paths) }),
  fc.record({ kind: fc.constant('truncate' as const), path: fc.constantFrom(...paths) }),
);

function apply(plan: Json, m: Mutation): unknown {
  const copy = structuredClone(plan) as Record<string | number, unknown>;
  const parentPath = m.kind === 'addKey' ? m.path : m.path.slice(0, -1);
  let parent: unknown = copy;
  for (const p of parentPath) parent = (parent as Record<string | number, unknown>)[p];
  const last = m.path[m.path.length - 1] as string | number;
  const obj = parent as Record<string | number, unknown>;
  switch (m.kind) {
    case 'replace':
      obj[last] = m.value;
      break;
    case 'delete':
      if (Array.isArray(obj)) obj.splice(last as number, 1);
      else delete obj[last];
      break;
    case 'addKey':
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) obj[m.key] = m.value;
      break;
    case 'duplicate':
      if (Array.isArray(obj)) obj.splice(last as number, 0, structuredClone(obj[last as number]));
      else obj[last] = [obj[last], obj[last]];
      break;
    case 'truncate': {
      const v = obj[last];
      if (Array.isArray(v)) obj[last] = [];
      else if (typeof v === 'string') obj[last] = v.slice(0, 1);
      else if (typeof v === 'number') obj[last] = -v - 1;
      else obj[last] = null;
      break;
    }
  }
  return copy;
}

function expectOnlyDomainErrors(input: unknown): void {
  const v = validatePlan(input);
  if (v.ok) {
    expect(parsePlan(input)).toEqual(v.plan);
    return;
  }
  expect(v.issues.length).toBeGreaterThan(0);
  for (const issue of v.issues) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
  }
  let thrown: unknown;
  try {
    parsePlan(input);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  const err = thrown as DomainError;
  expect(err.code).toBe(ErrorCode.PLAN_INVALID);
  expect(err.details?.issues).toEqual(v.issues);
  const first = v.issues[0]!;
  expect(err.message).toContain(`${first.path || '(root)'}: `);
}

describe('plan loader fuzzing', () => {
  it('accepts the default plan unchanged', () => {
    expect(validatePlan(base).ok).toBe(true);
  });

  it('one arbitrary mutation of the default plan yields a plan or a DomainError with field paths', () => {
    fc.assert(
      fc.property(mutation, (m) => {
        expectOnlyDomainErrors(apply(base, m));
      }),
      { numRuns: 600 },
    );
  });

  it('several stacked mutations never throw anything but a DomainError with paths', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 2, maxLength: 6 }), (ms) => {
        let plan: unknown = base;
        for (const m of ms) {
          try {
            plan = apply(plan as Json, m);
          } catch {
            // the path no longer exists after an earlier mutation: skip this one
          }
        }
        expectOnlyDomainErrors(plan);
      }),
      { numRuns: 300 },
    );
  });

  it('a value of the wrong type at a leaf names that leaf in an issue path', () => {
    const leaves = paths.filter((p) => {
      let v: unknown = base;
      for (const k of p) v = (v as Record<string | number, unknown>)[k];
      return typeof v === 'number' || typeof v === 'boolean';
    });
    fc.assert(
      fc.property(fc.constantFrom(...leaves), (p) => {
        const v = validatePlan(apply(base, { kind: 'replace', path: p, value: { nested: 'object' } }));
        expect(v.ok).toBe(false);
        if (v.ok) return;
        const expected = p.reduce<string>(
          (s, part) => (typeof part === 'number' ? `${s}[${part}]` : s === '' ? part : `${s}.${part}`),
          '',
        );
        expect(v.issues.map((i) => i.path)).toContain(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('non-objects at the root are refused with a DomainError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constant(undefined)), (v) => {
        fc.pre(!(v && typeof v === 'object' && !Array.isArray(v)));
        expectOnlyDomainErrors(v);
      }),
      { numRuns: 100 },
    );
  });
});
