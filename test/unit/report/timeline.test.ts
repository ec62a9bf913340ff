import { describe, expect, it } from 'vitest';
import {
  TIMELINE_EVENT_TYPES,
  assignmentLanes,
  compactQueues,
  membershipMarkers,
} from '../../../src/report/html/timeline.ts';
import { readRunEvents, readRunSummary } from '../../../src/report/run-files.ts';

const T0 = 1_000_000;
const at = (s: number) => T0 + s * 1000;

describe('assignment lanes and membership markers', () => {
  it('each assignment replaces what an instance holds; a pause keeps it (hatched), a kill ends it', () => {
    const events = [
      { at: at(1), type: 'worker-start', worker: 'c#0', kind: 'consumer', group: 'g' },
      { at: at(1), type: 'worker-start', worker: 'p#0', kind: 'producer' },
      { at: at(2), type: 'assignment', instance: 'c#0', queues: ['t@b/0', 't@b/1'] },
      { at: at(3), type: 'assignment', instance: 'c#1', queues: ['t@b/1'] },
      { at: at(3), type: 'assignment', instance: 'c#0', queues: ['t@b/0'] },
      { at: at(5), type: 'membership', instance: 'c#0', kind: 'pause' },
      { at: at(8), type: 'membership', instance: 'c#0', kind: 'resume' },
      { at: at(9), type: 'membership', instance: 'c#1', kind: 'kill' },
      { at: at(9.5), type: 'assignment', instance: 'c#0', queues: [] },
    ];
    const lanes = assignmentLanes(events, T0, 10);
    expect(lanes.map((l) => l.instance)).toEqual(['c#0', 'c#1']);
    expect(lanes[0]).toEqual({
      instance: 'c#0',
      group: 'g',
      segments: [
        { fromS: 2, toS: 3, queues: ['t@b/0', 't@b/1'], label: 't@b 0,1' },
        { fromS: 3, toS: 9.5, queues: ['t@b/0'], label: 't@b 0' },
      ],
      outages: [{ fromS: 5, toS: 8, kind: 'pause' }],
    });
    expect(lanes[1]).toMatchObject({
      group: null,
      segments: [{ fromS: 3, toS: 9 }],
      outages: [{ fromS: 9, toS: 10, kind: 'kill' }],
    });
    expect(membershipMarkers(events, T0)).toEqual([
      { atS: 5, instance: 'c#0', kind: 'pause' },
      { atS: 8, instance: 'c#0', kind: 'resume' },
      { atS: 9, instance: 'c#1', kind: 'kill' },
    ]);
  });

  it(
    'the zombie fixture: billing#0 holds all four queues until ' +
      'billing#1 resumes; events are restamped from epoch to run time',
    async () => {
      const dir = 'test/fixtures/runs/zombie-consumer';
      const summary = await readRunSummary(dir);
      const events = await readRunEvents(dir, TIMELINE_EVENT_TYPES);
      expect(events.every((e) => TIMELINE_EVENT_TYPES.has(e.type))).toBe(true);
      const lanes = assignmentLanes(events, Date.parse(summary.run.startedAt), summary.run.wallMs / 1000);
      const zero = lanes.find((l) => l.instance === 'billing#0')!;
      expect(zero.segments.map((s) => s.queues.length)).toEqual([2, 4, 2]);
      expect(zero.segments[1]!.fromS).toBeCloseTo(48.35, 1);
      const one = lanes.find((l) => l.instance === 'billing#1')!;
      // Same clock as the fault's observed window (23.355 s → 68.359 s).
      expect(one.outages).toEqual([{ fromS: 23.356, toS: 68.358, kind: 'pause' }]);
    },
  );

  it('compacts queue names by topic and broker', () => {
    expect(compactQueues(['orders@broker-a/10', 'orders@broker-a/2', 'refunds@broker-b/0'])).toBe(
      'orders@broker-a 2,10 · refunds@broker-b 0',
    );
  });
});
