/**
 * Resolves the `faults:` section of a plan that passed validation: default names and timing,
 * each action's parameters in the units the fault actions use, and every occurrence with its
 * targets (random ones picked from the plan seed and the fault's index, exactly as the
 * cross-checks picked them when they judged scale faults).
 */
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { faultRandom, scheduleOccurrences, type FaultTargetSpec } from './fault-schedule.ts';
import type { FaultActionName, FaultParamsByAction, ResolvedFault } from './resolved-faults.ts';
import { bytes, ms, must, subscriptions } from './resolve-fleets.ts';
import type { FaultDocument } from './schema-faults.ts';
import { parseBandwidth } from './units.ts';

/** Toxiproxy's bandwidth unit is KB/s (1000 bytes per second): rounded down, and at least 1. */
export function toxiproxyKBps(bytesPerSecond: number): number {
  return Math.max(1, Math.floor(bytesPerSecond / 1000));
}

function target(doc: FaultDocument): FaultTargetSpec {
  const { target: t } = doc;
  if (typeof t === 'string') return { names: [t] };
  if (Array.isArray(t)) return { names: [...t] };
  return { random: [...t.random], pick: t.pick ?? D.fault.pick };
}

/** The cross-checks guarantee an action's required parameters; failing here means they disagree. */
function need<T>(f: FaultDocument, value: T | undefined, key: string): T {
  if (value === undefined) throw new Error(`internal: validated ${f.action} fault has no ${key}`);
  return value;
}

const stream = (f: FaultDocument) => f.stream ?? D.fault.stream;
const jitterMs = (f: FaultDocument) => ms(f.jitter ?? D.fault.jitter);
const timeout = (f: FaultDocument) => ({ timeoutMs: ms(f.timeout ?? D.fault.timeout), stream: stream(f) });

/** One resolver per action, typed by it: a new action does not compile until it has one. */
const PARAMS: { [A in FaultActionName]: (f: FaultDocument) => FaultParamsByAction[A] } = {
  'network.down': () => ({}),
  'network.flap': (f) => {
    const periodMs = ms(need(f, f.period, 'period'));
    return { periodMs, downForMs: f.downFor === undefined ? periodMs / 2 : ms(f.downFor), jitterMs: jitterMs(f) };
  },
  'network.latency': (f) => ({
    latencyMs: ms(need(f, f.latency, 'latency')),
    jitterMs: jitterMs(f),
    stream: stream(f),
  }),
  'network.bandwidth': (f) => ({
    rateKBps: toxiproxyKBps(must(parseBandwidth(need(f, f.rate, 'rate')), 'bandwidth')),
    stream: stream(f),
  }),
  'network.timeout': timeout,
  'network.reset_peer': timeout,
  'network.slicer': (f) => ({
    averageSizeBytes: bytes(need(f, f.averageSize, 'averageSize')),
    sizeVariationBytes: bytes(f.sizeVariation ?? D.fault.sizeVariation),
    // Toxiproxy takes the slicer's delay in microseconds.
    delayUs: Math.round(ms(f.delay ?? D.fault.delay) * 1000),
    stream: stream(f),
  }),
  'network.limit_data': (f) => ({ bytes: bytes(need(f, f.bytes, 'bytes')), stream: stream(f) }),
  kill: () => ({}),
  pause: () => ({}),
  restart: (f) => ({ hard: f.hard ?? D.fault.hard, downMs: ms(f.down ?? D.fault.down) }),
  scale: (f) => ({ delta: need(f, f.delta, 'delta') }),
  drift: (f) => ({ subscriptions: subscriptions(need(f, f.subscription, 'subscription')) }),
};

function resolveFault(f: FaultDocument, index: number, seed: number): ResolvedFault {
  const durationMs = f.duration === undefined ? null : ms(f.duration);
  const occurrences = scheduleOccurrences(
    target(f),
    {
      atMs: ms(f.at ?? D.fault.at),
      ...(f.every !== undefined ? { everyMs: ms(f.every) } : {}),
      count: f.count ?? D.fault.count,
      durationMs,
    },
    faultRandom(seed, index),
  );
  // The cast joins what TypeScript cannot: PARAMS[action] gives the params of this very action.
  return {
    name: f.name ?? `${f.action}-${index}`,
    action: f.action,
    params: PARAMS[f.action](f),
    phase: f.phase ?? D.fault.phase,
    occurrences,
  } as ResolvedFault;
}

export function resolveFaults(faults: readonly FaultDocument[] | undefined, seed: number): ResolvedFault[] {
  return (faults ?? []).map((fault, index) => resolveFault(fault, index, seed));
}
