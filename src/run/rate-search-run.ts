/**
 * `rate: max` in a run: the load phase holds the search's steps one after another on the
 * searched fleet's producers, changing their rate live (set-rate), measures each step and
 * tells the search (metrics/rate-search.ts) what it saw. When the search is done, or the load
 * phase has no room for another step, the fleet sends at the rate found for the rest of its
 * sending time, and the answer with its curve goes into the measurements.
 */
import type { FleetWorker } from '../fleet/fleet-worker.ts';
import { judgeStep, RateSearch, type RateStep, slopePerSecond } from '../metrics/rate-search.ts';
import type { ResolvedProducerFleet, RateSearchSpec } from '../plan/resolved-plan.ts';
import { sleep } from '../util/sleep.ts';
import type { EventLog } from './event-log.ts';
import type { Measurements } from './measurements.ts';

/** The backlog is read this often within a step, for its slope. */
const BACKLOG_EVERY_MS = 200;
const WORKER_READY_MS = 60_000;
const WARMUP_MARGIN_MS = 500;
/**
 * The start of each step is not measured: the acks of the step before arrive for up to a report
 * interval (250 ms), and queues and latency take a moment to follow a new rate.
 */
export function settleMs(spec: RateSearchSpec): number {
  return Math.min(1000, Math.round(spec.stepMs / 3));
}

/** Steps the load phase holds after the warm-up step (the plan asks for at least 3: cross-check-workloads.ts). */
export function searchBudget(spec: RateSearchSpec, loadMs: number): number {
  return Math.floor(loadMs / spec.stepMs) - 1;
}

export interface RateSearchRun {
  fleet: ResolvedProducerFleet & { rateSearch: RateSearchSpec };
  producers: readonly FleetWorker[];
  measurements: Measurements;
  events: EventLog;
  startedAt: number;
  /** The load phase's length: the search's step budget, and the time it may take. */
  loadMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Until every producer of the fleet has reported a send (bounded: a producer that never does is a crash). */
async function waitUntilSending(o: RateSearchRun): Promise<void> {
  const deadline = Date.now() + WORKER_READY_MS;
  const sending = () => o.producers.every((p) => (o.measurements.attempted.get(p.id) ?? 0) > 0 || p.proc.hasExited);
  while (!sending() && Date.now() < deadline && !o.signal.aborted) await sleep(50, o.signal);
}

export async function runRateSearch(o: RateSearchRun): Promise<void> {
  const { fleet, measurements: m, signal } = o;
  const spec = fleet.rateSearch;
  // A step measured while a producer still connects would measure its start (route lookups,
  // connections, a cold JIT: hundreds of ms of send latency at any rate), not the rate. The
  // search begins when every producer has sent (on a busy machine that can be seconds into the
  // load phase), after a warm-up at `from` that is not measured and not in the curve. The
  // producers send for loadMs from their own start, so the steps must end by then: the warm-up
  // is shorter than a step by a margin for the first report's delay and each step's overhead.
  await waitUntilSending(o);
  const searchEnd = Date.now() + o.loadMs;
  await sleep(Math.max(spec.stepMs / 2, spec.stepMs - WARMUP_MARGIN_MS), signal);
  const search = new RateSearch(spec, searchBudget(spec, o.loadMs));
  const ids = new Set(o.producers.map((p) => p.id));
  const setRate = (total: number) => {
    for (const producer of o.producers)
      if (!producer.proc.hasExited) producer.send({ type: 'set-rate', ratePerSecond: total / fleet.instances });
  };
  const steps: RateStep[] = [];
  for (let rate = search.next(); rate !== undefined && !signal.aborted; rate = search.next()) {
    const stepStart = Date.now();
    if (stepStart + spec.stepMs > searchEnd) break;
    const stage = search.stage;
    setRate(rate);
    await sleep(settleMs(spec), signal);
    const window = m.openWindow(ids);
    const measuredFrom = Date.now();
    const backlog: { t: number; value: number }[] = [];
    while (Date.now() < stepStart + spec.stepMs && !signal.aborted) {
      backlog.push({ t: Date.now(), value: m.ledgerBacklog() });
      await sleep(Math.min(BACKLOG_EVERY_MS, stepStart + spec.stepMs - Date.now()), signal);
    }
    backlog.push({ t: Date.now(), value: m.ledgerBacklog() });
    m.closeWindow(window);
    if (signal.aborted) break;
    const seconds = Math.max(0.001, (Date.now() - measuredFrom) / 1000);
    const measured = {
      offeredPerSecond: rate,
      achievedPerSecond: Math.round((window.acked / seconds) * 10) / 10,
      sendP99Ms: window.send.totalCount > 0 ? window.send.getValueAtPercentile(99) : null,
      e2eP99Ms: window.e2e.totalCount > 0 ? window.e2e.getValueAtPercentile(99) : null,
      backlogSlopePerSecond: Math.round(slopePerSecond(backlog) * 10) / 10,
    };
    const verdict = judgeStep(measured, spec);
    search.record(rate, verdict.sustainable);
    const step: RateStep = { index: steps.length, stage, atMs: stepStart - o.startedAt, ...measured, ...verdict };
    steps.push(step);
    o.events.emit('rate-step', { fleet: fleet.name, ...step });
    o.log(
      `rate search ${fleet.name}: ${rate}/s → acked ${measured.achievedPerSecond}/s, send p99 ` +
        `${measured.sendP99Ms ?? '-'} ms, backlog ${measured.backlogSlopePerSecond >= 0 ? '+' : ''}` +
        `${measured.backlogSlopePerSecond}/s: ${verdict.sustainable ? 'sustainable' : `not (${verdict.reason})`}`,
    );
  }
  const found = search.found;
  // The rest of the sending time at the answer (or, with none, at the lowest rate): a steady
  // load the chaos and heal phases, if the plan has them, can work against.
  setRate(found ?? spec.fromPerSecond);
  m.rateSearch = {
    spec,
    fleet: fleet.name,
    maxRatePerSecond: found ?? null,
    steps,
    converged: search.converged,
    note: search.note(),
  };
  o.events.emit('rate-search', { fleet: fleet.name, maxRatePerSecond: found ?? null, note: search.note() });
  o.log(`rate search ${fleet.name}: max ${found === undefined ? 'none' : `${found}/s`} (${search.note()})`);
}
