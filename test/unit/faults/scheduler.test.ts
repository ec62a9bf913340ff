import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FaultAction } from '../../../src/faults/fault-action.ts';
import { FaultScheduler, type FaultOccurrence } from '../../../src/faults/scheduler.ts';
import { DuplicateAttribution } from '../../../src/metrics/duplicate-attribution.ts';
import { EventLog } from '../../../src/run/event-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-scheduler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake action that records what it did; `instant` ends on begin; `broken` throws. */
function fakeAction(name: string, log: string[], mode: 'lasting' | 'instant' | 'broken' = 'lasting'): FaultAction {
  return {
    name,
    async begin(target) {
      if (mode === 'broken') throw new Error(`no such target ${target}`);
      log.push(`begin ${name} ${target}`);
      const observed: { begunAt: number; endedAt?: number; detail: string } = {
        begunAt: Date.now(),
        detail: `${name} on ${target}`,
      };
      if (mode === 'instant') observed.endedAt = Date.now();
      return {
        observed,
        end: async () => {
          if (mode === 'lasting' && observed.endedAt === undefined) {
            log.push(`end ${name} ${target}`);
            observed.endedAt = Date.now();
          }
        },
      };
    },
  };
}

const occ = (o: Partial<FaultOccurrence> & Pick<FaultOccurrence, 'action' | 'target' | 'atMs'>): FaultOccurrence => ({
  fault: o.action,
  params: {},
  phase: 'load',
  index: 0,
  durationMs: null,
  ...o,
});

describe('FaultScheduler', () => {
  it(
    'begins each occurrence on time, ' + 'ends lasting ones after their duration, records requested and observed times',
    async () => {
      const log: string[] = [];
      const actions: Record<string, FaultAction> = {
        down: fakeAction('down', log),
        kill: fakeAction('kill', log, 'instant'),
      };
      const attribution = new DuplicateAttribution(0);
      const startedAt = Date.now();
      const scheduler = new FaultScheduler({
        occurrences: [
          occ({ action: 'down', target: 'link-a', atMs: 20, durationMs: 60 }),
          occ({ action: 'kill', target: 'c#1', atMs: 40 }),
          occ({ action: 'down', target: 'link-b', atMs: 0, phase: 'drain', durationMs: 10 }),
        ],
        actionOf: (name) => actions[name]!,
        context: { log: () => {} },
        events: new EventLog(join(dir, 'a.ndjson')),
        attribution,
        startedAt,
      });
      scheduler.enterPhase('load');
      await new Promise((r) => setTimeout(r, 150));
      expect(log).toEqual(['begin down link-a', 'begin kill c#1', 'end down link-a']);
      const down = scheduler.records.find((r) => r.target === 'link-a')!;
      // Node's timers run on the monotonic clock and the records on Date.now: a timer may fire up
      // to 1 ms before the wall-clock time it was set for (seen under load: observed 20, requested 21).
      expect(down.observed.beginMs).toBeGreaterThanOrEqual(down.requested.beginMs - 1);
      expect(down.observed.endMs! - down.observed.beginMs!).toBeGreaterThanOrEqual(55);
      // Drain faults wait for the drain phase.
      expect(scheduler.records.map((r) => r.target)).toEqual(['link-a', 'c#1']);
      // A duplicate during the down window is blamed on it.
      expect(attribution.attribute('x', startedAt + down.observed.beginMs! + 5)).toBe(
        `down link-a at ${(down.observed.beginMs! / 1000).toFixed(1)}s`,
      );
      await scheduler.endAll();
    },
  );

  it('ends every active fault and cancels pending ones at endAll, and records failures', async () => {
    const log: string[] = [];
    const actions: Record<string, FaultAction> = {
      down: fakeAction('down', log),
      broken: fakeAction('broken', log, 'broken'),
    };
    const scheduler = new FaultScheduler({
      occurrences: [
        occ({ action: 'down', target: 'link-a', atMs: 0, durationMs: 60_000 }),
        occ({ action: 'broken', target: 'ghost', atMs: 0 }),
        occ({ action: 'down', target: 'later', atMs: 60_000, durationMs: 1 }),
      ],
      actionOf: (name) => actions[name]!,
      context: { log: () => {} },
      events: new EventLog(join(dir, 'b.ndjson')),
      attribution: new DuplicateAttribution(),
      startedAt: Date.now(),
    });
    scheduler.enterPhase('load');
    await new Promise((r) => setTimeout(r, 30));
    await scheduler.endAll();
    expect(log).toEqual(['begin down link-a', 'end down link-a']);
    expect(scheduler.failures().map((r) => r.error)).toEqual(['no such target ghost']);
    expect(scheduler.records.find((r) => r.target === 'later')!.observed.beginMs).toBeNull();
  });
});
