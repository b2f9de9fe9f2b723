import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  applyEvent,
  classifyForecast,
  defaultPlan,
  type EpisodeEvent,
  foldEpisode,
  initialEpisodeState,
  parseIso,
  stateAt,
  toCstIso,
} from '../../../src/domain/index.js';
import { series } from './helpers.js';

const office: Actor = { id: 'u-li', unit: 'office', role: 'office-staff' };
const commander: Actor = { id: 'u-wang', unit: 'commander', role: 'commander' };
const t0 = parseIso('2026-11-28T09:00:00+08:00');
const at = (minutes: number) => toCstIso(t0 + minutes * 60_000);
const forecast = series([180, 230, 320, 260, 120]);

/** A full episode: consultation → proposal → red warning → reports, escalation → lift → summaries → close. */
function scriptedEpisode(): EpisodeEvent[] {
  return [
    {
      type: 'episode.started',
      at: at(0),
      actor: office,
      episodeId: 'episode:chaoyang:2026-11-28:1',
      jurisdiction: 'chaoyang',
      planId: defaultPlan.id,
      planVersion: defaultPlan.version,
      exercise: false,
      initiator: 'u-li',
      origin: 'consultation',
    },
    {
      type: 'consultation.recorded',
      at: at(10),
      actor: office,
      consultationId: 'c1',
      days: forecast,
      classification: classifyForecast(defaultPlan, forecast),
    },
    {
      type: 'level.proposed',
      at: at(20),
      actor: office,
      proposalId: 'p1',
      kind: 'start',
      level: 'red',
      reasons: classifyForecast(defaultPlan, forecast).reasons,
    },
    {
      type: 'proposal.escalated',
      at: at(50),
      actor: 'system',
      proposalId: 'p1',
      step: 0,
      targets: ['commander'],
    },
    {
      type: 'commander.decided',
      at: at(55),
      actor: commander,
      proposalId: 'p1',
      decision: 'approve',
      level: 'red',
    },
    {
      type: 'warning.issued',
      at: at(60),
      actor: 'system',
      warningId: 'w1',
      level: 'red',
      response: 'I',
      firstDay: '2026-11-28',
    },
    {
      type: 'duty.assigned',
      at: at(61),
      actor: 'system',
      dutyId: '3.1',
      unitId: 'branch.shuangta',
      responseDay: 1,
      dueAt: '2026-11-28T17:00:00+08:00',
    },
    {
      type: 'duty.assigned',
      at: at(61),
      actor: 'system',
      dutyId: '3.1',
      unitId: 'enforcement',
      responseDay: 1,
      dueAt: '2026-11-28T17:00:00+08:00',
    },
    {
      type: 'report.submitted',
      at: at(420),
      actor: { id: 'u-zhao', unit: 'branch.shuangta' },
      unitId: 'branch.shuangta',
      responseDay: 1,
      reportId: 'r1',
      late: false,
      replaced: false,
    },
    {
      type: 'report.overdue',
      at: at(480),
      actor: 'system',
      unitId: 'enforcement',
      responseDay: 1,
      dueAt: '2026-11-28T17:00:00+08:00',
    },
    {
      type: 'escalation.step',
      at: at(480),
      actor: 'system',
      unitId: 'enforcement',
      responseDay: 1,
      step: 0,
      targets: ['enforcement'],
    },
    {
      type: 'escalation.step',
      at: at(540),
      actor: 'system',
      unitId: 'enforcement',
      responseDay: 1,
      step: 1,
      targets: ['office.director'],
    },
    {
      type: 'escalation.step',
      at: at(660),
      actor: 'system',
      unitId: 'enforcement',
      responseDay: 1,
      step: 2,
      targets: ['taskforce.leader', 'taskforce.deputy'],
    },
    {
      type: 'notice.circulated',
      at: at(660),
      actor: 'system',
      noticeId: 'n1',
      unitId: 'enforcement',
      responseDay: 1,
      reason: '逾期未报',
    },
    {
      type: 'report.submitted',
      at: at(700),
      actor: { id: 'u-sun', unit: 'enforcement' },
      unitId: 'enforcement',
      responseDay: 1,
      reportId: 'r2',
      late: true,
      replaced: false,
    },
    {
      type: 'electricity.assessed',
      at: at(720),
      actor: 'system',
      day: '2026-11-28',
      level: 'red',
      counts: { total: 3, compliant: 1, nonCompliant: 1, insufficientData: 0, exempt: 1 },
      nonCompliantIds: ['e7'],
    },
    {
      type: 'enforcement.followup',
      at: at(730),
      actor: office,
      enterpriseId: 'e7',
      unitId: 'enforcement',
      action: 'inspection',
    },
    {
      type: 'document.produced',
      at: at(740),
      actor: 'system',
      kind: 'daily-response-report',
      documentId: 'd1',
      responseDay: 1,
    },
    {
      type: 'level.proposed',
      at: at(1500),
      actor: office,
      proposalId: 'p2',
      kind: 'change',
      level: 'orange',
      reasons: [],
    },
    {
      type: 'commander.decided',
      at: at(1510),
      actor: commander,
      proposalId: 'p2',
      decision: 'approve',
      level: 'orange',
    },
    {
      type: 'warning.changed',
      at: at(1511),
      actor: 'system',
      level: 'orange',
      response: 'II',
      previousLevel: 'red',
    },
    {
      type: 'level.proposed',
      at: at(3000),
      actor: office,
      proposalId: 'p3',
      kind: 'lift',
      level: 'none',
      reasons: [],
    },
    { type: 'commander.decided', at: at(3010), actor: commander, proposalId: 'p3', decision: 'lift' },
    { type: 'warning.lifted', at: at(3011), actor: 'system', level: 'orange', response: 'II' },
    {
      type: 'duty.assigned',
      at: at(3012),
      actor: 'system',
      dutyId: '3.1',
      unitId: 'enforcement',
      responseDay: 'summary',
    },
    {
      type: 'summary.submitted',
      at: at(3600),
      actor: { id: 'u-sun', unit: 'enforcement' },
      unitId: 'enforcement',
      summaryId: 's1',
      late: false,
    },
    {
      type: 'notification.sent',
      at: at(3601),
      actor: 'system',
      notificationId: 'm1',
      template: 'warningLifted',
      recipients: ['public'],
      channel: 'sms',
    },
    { type: 'episode.closed', at: at(4000), actor: office, reason: 'lifted' },
  ];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('foldEpisode', () => {
  const events = deepFreeze(scriptedEpisode());

  it('starts from an empty consultation state', () => {
    expect(foldEpisode([])).toEqual(initialEpisodeState());
    expect(initialEpisodeState()).toMatchObject({ phase: 'consultation', level: 'none', eventCount: 0 });
  });

  it('follows the lifecycle through the phases', () => {
    const phases = events.map((_, k) => foldEpisode(events.slice(0, k + 1)).phase);
    expect(phases.slice(0, 6)).toEqual([
      'consultation',
      'consultation',
      'proposed',
      'proposed',
      'consultation',
      'active',
    ]);
    expect(phases[22]).toBe('active');
    expect(phases[23]).toBe('lifting');
    expect(phases.at(-1)).toBe('closed');
  });

  it('builds the full state', () => {
    const s = foldEpisode(events);
    expect(s).toMatchObject({
      episodeId: 'episode:chaoyang:2026-11-28:1',
      planId: 'chaoyang-2024',
      planVersion: 1,
      jurisdiction: 'chaoyang',
      exercise: false,
      origin: 'consultation',
      level: 'none',
      response: null,
      warningId: 'w1',
      firstDay: '2026-11-28',
      pendingProposal: null,
      openEscalations: [],
      followups: 1,
      notificationsSent: 1,
      liftedAt: at(3011),
      closedAt: at(4000),
      closeReason: 'lifted',
      eventCount: events.length,
      lastEventAt: at(4000),
    });
    expect(s.warnings.map((w) => [w.kind, w.level, w.response])).toEqual([
      ['issued', 'red', 'I'],
      ['changed', 'orange', 'II'],
      ['lifted', 'orange', 'II'],
    ]);
    expect(s.duties.map((d) => [d.unitId, d.responseDay, d.status])).toEqual([
      ['branch.shuangta', 1, 'submitted'],
      ['enforcement', 1, 'late'],
      ['enforcement', 'summary', 'submitted'],
    ]);
    expect(s.reports['1']).toEqual({
      'branch.shuangta': { reportId: 'r1', at: at(420), late: false, versions: 1 },
      enforcement: { reportId: 'r2', at: at(700), late: true, versions: 1 },
    });
    expect(s.notices).toEqual([
      { noticeId: 'n1', unitId: 'enforcement', responseDay: 1, reason: '逾期未报', at: at(660) },
    ]);
    expect(s.decisions.map((d) => [d.proposalId, d.decision, d.by])).toEqual([
      ['p1', 'approve', 'u-wang'],
      ['p2', 'approve', 'u-wang'],
      ['p3', 'lift', 'u-wang'],
    ]);
    expect(s.electricity['2026-11-28']?.nonCompliantIds).toEqual(['e7']);
    expect(s.summaries.enforcement).toEqual({ summaryId: 's1', at: at(3600), late: false });
    expect(s.documents).toEqual([
      { kind: 'daily-response-report', documentId: 'd1', at: at(740), responseDay: 1 },
    ]);
  });

  it('keeps the pending proposal with its reasons and escalations', () => {
    const s = foldEpisode(events.slice(0, 4));
    expect(s.pendingProposal).toMatchObject({
      proposalId: 'p1',
      kind: 'start',
      level: 'red',
      escalations: 1,
    });
    expect(s.pendingProposal?.reasons[0]?.ruleId).toBe('red.1');
  });

  it('tracks the open escalation until the report arrives', () => {
    const s = foldEpisode(events.slice(0, 14));
    expect(s.openEscalations).toEqual([
      {
        unitId: 'enforcement',
        responseDay: 1,
        step: 2,
        targets: ['taskforce.leader', 'taskforce.deputy'],
        at: at(660),
      },
    ]);
    expect(s.duties.find((d) => d.unitId === 'enforcement')?.status).toBe('overdue');
    expect(foldEpisode(events.slice(0, 15)).openEscalations).toEqual([]);
  });

  it('is incremental: applyEvent one by one equals the fold', () => {
    let s = initialEpisodeState();
    for (const e of events) s = applyEvent(s, e);
    expect(s).toEqual(foldEpisode(events));
    const mid = foldEpisode(events.slice(0, 10));
    expect(foldEpisode(events.slice(10), mid)).toEqual(foldEpisode(events));
  });

  it('is pure: frozen inputs and states are never mutated; state is plain JSON', () => {
    const states = [initialEpisodeState()];
    for (const e of events) states.push(deepFreeze(applyEvent(states.at(-1) as never, e)));
    const s = states.at(-1);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('stateAt rebuilds the state at any moment', () => {
    expect(stateAt(events, at(59))).toEqual(foldEpisode(events.slice(0, 5)));
    expect(stateAt(events, at(60)).level).toBe('red');
    expect(stateAt(events, '2026-11-28T02:00:00Z')).toEqual(foldEpisode(events.slice(0, 6))); // = 10:00 CST, at(60)
    expect(stateAt(events, at(-1))).toEqual(initialEpisodeState());
    expect(stateAt(events, at(99_999))).toEqual(foldEpisode(events));
  });
});

describe('fold properties', () => {
  const base = scriptedEpisode();

  /** Random histories: a shuffled-in-time subset of non-lifecycle events appended to a running warning. */
  const noise = fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('report' as const),
        unit: fc.constantFrom('branch.kazuo', 'enforcement', 'branch.beipiao'),
        day: fc.integer({ min: 1, max: 3 }),
        late: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('step' as const),
        unit: fc.constantFrom('branch.kazuo', 'enforcement'),
        day: fc.integer({ min: 1, max: 3 }),
        step: fc.integer({ min: 0, max: 2 }),
      }),
      fc.record({
        kind: fc.constant('assign' as const),
        unit: fc.constantFrom('branch.kazuo', 'enforcement'),
        day: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({
        kind: fc.constant('overdue' as const),
        unit: fc.constantFrom('branch.kazuo', 'enforcement'),
        day: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ kind: fc.constant('doc' as const), id: fc.string({ minLength: 1, maxLength: 5 }) }),
    ),
    { maxLength: 40 },
  );

  const toEvents = (items: ReturnType<typeof noise.generate>['value']): EpisodeEvent[] =>
    items.map((item, i): EpisodeEvent => {
      const t = at(100 + i * 7);
      switch (item.kind) {
        case 'report':
          return {
            type: 'report.submitted',
            at: t,
            actor: 'system',
            unitId: item.unit,
            responseDay: item.day,
            reportId: `r${i}`,
            late: item.late,
            replaced: false,
          };
        case 'step':
          return {
            type: 'escalation.step',
            at: t,
            actor: 'system',
            unitId: item.unit,
            responseDay: item.day,
            step: item.step,
            targets: ['office.director'],
          };
        case 'assign':
          return {
            type: 'duty.assigned',
            at: t,
            actor: 'system',
            dutyId: '3.1',
            unitId: item.unit,
            responseDay: item.day,
          };
        case 'overdue':
          return {
            type: 'report.overdue',
            at: t,
            actor: 'system',
            unitId: item.unit,
            responseDay: item.day,
            dueAt: t,
          };
        default:
          return { type: 'document.produced', at: t, actor: 'system', kind: 'other', documentId: item.id };
      }
    });

  it('fold is deterministic and every prefix fold equals stateAt at that event time', () => {
    fc.assert(
      fc.property(noise, (items) => {
        const events = [...base.slice(0, 6), ...toEvents(items)];
        expect(foldEpisode(events)).toEqual(foldEpisode(structuredClone(events)));
        for (let k = 1; k <= events.length; k++) {
          const prefix = foldEpisode(events.slice(0, k));
          expect(prefix.eventCount).toBe(k);
          // events in this history have strictly increasing times
          expect(stateAt(events, (events[k - 1] as EpisodeEvent).at)).toEqual(prefix);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an escalation stays open exactly when no report came after its last step', () => {
    fc.assert(
      fc.property(noise, (items) => {
        const s = foldEpisode([...base.slice(0, 6), ...toEvents(items)]);
        const last = new Map<string, 'report' | 'step'>();
        for (const item of items) {
          if (item.kind === 'report' || item.kind === 'step') last.set(`${item.unit}|${item.day}`, item.kind);
        }
        const expectedOpen = [...last]
          .filter(([, kind]) => kind === 'step')
          .map(([key]) => key)
          .sort();
        expect(s.openEscalations.map((e) => `${e.unitId}|${e.responseDay}`).sort()).toEqual(expectedOpen);
      }),
      { numRuns: 100 },
    );
  });
});

describe('foldEpisode during an early response', () => {
  it('keeps the early response through a start proposal and returns to it when the commander declines', () => {
    const started = scriptedEpisode().slice(0, 1);
    const events: EpisodeEvent[] = [
      ...started,
      { type: 'early-response.started', at: at(5), actor: office, firstDay: '2026-11-28', reasons: [] },
      {
        type: 'level.proposed',
        at: at(6),
        actor: office,
        proposalId: 'p9',
        kind: 'start',
        level: 'yellow',
        reasons: [],
      },
    ];
    const s = foldEpisode(events);
    expect(s.phase).toBe('proposed');
    expect(s.earlyResponseActive).toBe(true);
    const declined = applyEvent(s, {
      type: 'commander.decided',
      at: at(8),
      actor: commander,
      proposalId: 'p9',
      decision: 'decline',
    });
    expect(declined.phase).toBe('early-response');
  });
});
