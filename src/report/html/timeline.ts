import type { RoleChange } from '../../metrics/failover-types.ts';
import type { RunEvent } from '../../result/run-event.ts';
import { compareNatural } from './series.ts';

/**
 * What happened to each consumer over the run, on the charts' clock (seconds since the run
 * started): events.ndjson stamps epoch ms, summary.faults and the time series ms since start.
 */

/** The event types the report reads from events.ndjson. */
export const TIMELINE_EVENT_TYPES: ReadonlySet<string> = new Set(['assignment', 'membership', 'worker-start']);

/** A membership change, drawn as a vertical marker on every chart. */
export interface MembershipMarker {
  atS: number;
  instance: string;
  kind: string;
}

/** A stretch of time an instance held the same queues (in its own view). */
export interface LaneSegment {
  fromS: number;
  toS: number;
  queues: string[];
  /** Compact form for the bar: `orders@broker-a 0,1`. */
  label: string;
}

/** A stretch the instance's process was frozen (pause → resume) or gone (kill, crash, leave → join). */
export interface LaneOutage {
  fromS: number;
  toS: number;
  kind: string;
}

export interface AssignmentLane {
  instance: string;
  group: string | null;
  segments: LaneSegment[];
  outages: LaneOutage[];
}

const GONE = new Set(['kill', 'crash', 'leave']);

export function secondsSince(startedAtMs: number, atMs: number): number {
  return Math.round(atMs - startedAtMs) / 1000;
}

export function membershipMarkers(events: readonly RunEvent[], startedAtMs: number): MembershipMarker[] {
  return events
    .filter((e) => e.type === 'membership' && typeof e.instance === 'string' && typeof e.kind === 'string')
    .map((e) => ({ atS: secondsSince(startedAtMs, e.at), instance: e.instance as string, kind: e.kind as string }))
    .sort((a, b) => a.atS - b.atS);
}

/**
 * One lane per consumer instance: each `assignment` event replaces what the instance holds;
 * a kill, crash or leave ends it (the process and its view are gone). A paused process keeps
 * its view, which is the point of the picture: its queues are held by nobody alive.
 */
export function assignmentLanes(events: readonly RunEvent[], startedAtMs: number, endS: number): AssignmentLane[] {
  const lanes = new Map<string, AssignmentLane & { open?: LaneSegment; down?: LaneOutage }>();
  const laneOf = (instance: string) => {
    let lane = lanes.get(instance);
    if (!lane) lanes.set(instance, (lane = { instance, group: null, segments: [], outages: [] }));
    return lane;
  };
  const ordered = [...events].sort((a, b) => a.at - b.at);
  for (const event of ordered) {
    const atS = secondsSince(startedAtMs, event.at);
    if (event.type === 'worker-start' && event.kind === 'consumer' && typeof event.worker === 'string') {
      laneOf(event.worker).group = typeof event.group === 'string' ? event.group : null;
    } else if (event.type === 'assignment' && typeof event.instance === 'string' && Array.isArray(event.queues)) {
      const lane = laneOf(event.instance);
      closeSegment(lane, atS);
      const queues = event.queues.filter((q): q is string => typeof q === 'string');
      if (queues.length > 0) lane.open = { fromS: atS, toS: endS, queues, label: compactQueues(queues) };
    } else if (event.type === 'membership' && typeof event.instance === 'string' && typeof event.kind === 'string') {
      const lane = laneOf(event.instance);
      if (event.kind === 'pause' || GONE.has(event.kind)) {
        if (GONE.has(event.kind)) closeSegment(lane, atS);
        if (!lane.down) lane.down = { fromS: atS, toS: endS, kind: event.kind };
      } else if (event.kind === 'resume' || event.kind === 'join') {
        if (lane.down) lane.outages.push({ ...lane.down, toS: atS });
        delete lane.down;
      }
    }
  }
  for (const lane of lanes.values()) {
    closeSegment(lane, endS);
    if (lane.down) lane.outages.push(lane.down);
  }
  return [...lanes.values()]
    .map(({ instance, group, segments, outages }) => ({ instance, group, segments, outages }))
    .sort((a, b) => compareNatural(a.instance, b.instance));
}

function closeSegment(lane: { segments: LaneSegment[]; open?: LaneSegment }, atS: number): void {
  if (lane.open) lane.segments.push({ ...lane.open, toS: Math.max(lane.open.fromS, atS) });
  delete lane.open;
}

/** `orders@broker-a/0`, `orders@broker-a/1`, `refunds@broker-b/3` → `orders@broker-a 0,1 · refunds@broker-b 3`. */
export function compactQueues(queues: readonly string[]): string {
  const byPrefix = new Map<string, string[]>();
  for (const queue of queues) {
    const slash = queue.lastIndexOf('/');
    const prefix = slash < 0 ? queue : queue.slice(0, slash);
    const id = slash < 0 ? '' : queue.slice(slash + 1);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), id]);
  }
  return [...byPrefix].map(([prefix, ids]) => `${prefix} ${ids.sort(compareNatural).join(',')}`.trim()).join(' · ');
}

/** Who was master of one broker name, stretch by stretch; `master` null while none was listed. */
export interface RoleLane {
  brokerName: string;
  segments: { fromS: number; toS: number; master: string | null }[];
}

/** One lane per broker name from the run's role timeline (ms since the run started). */
export function roleLanes(roles: readonly RoleChange[], endS: number): RoleLane[] {
  const lanes = new Map<string, RoleLane>();
  for (const change of [...roles].sort((a, b) => a.atMs - b.atMs)) {
    let lane = lanes.get(change.brokerName);
    if (!lane) lanes.set(change.brokerName, (lane = { brokerName: change.brokerName, segments: [] }));
    const atS = change.atMs / 1000;
    const open = lane.segments.at(-1);
    if (open) open.toS = atS;
    lane.segments.push({ fromS: atS, toS: endS, master: change.master });
  }
  return [...lanes.values()].sort((a, b) => compareNatural(a.brokerName, b.brokerName));
}
