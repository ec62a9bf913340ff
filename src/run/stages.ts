/**
 * The phases of a run after `prepare` (run-session.ts), one function each, in the order
 * runPlan calls them: warmup (consumers start and settle, producers boot), load (producers send through load,
 * chaos and heal; faults happen on their schedule), drain (until the ledger's backlog is gone
 * or time is up), stop (faults healed, fleet closed, a last sample).
 */
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { sleep, withinTime } from '../util/sleep.ts';
import { readBackDeadLetters } from './dead-letter-readback.ts';
import { holdForBacklog, startWorkloads } from './load-workloads.ts';
import { observerAdmin } from './observer-admin.ts';
import { parseMessageDelayLevel } from '../plan/message-delay-level.ts';
import type { RemotingAdmin } from '../protocol/index.ts';
import type { RunParts, RunSession } from './run-session.ts';
import { describePartial, groupsSettled, settleTargets } from './warmup-settle.ts';

const WORKER_READY_MS = 60_000;
/** The longest the warmup waits for the groups to settle when the plan's warmup is shorter. */
const SETTLE_BOUND_MS = 30_000;

/**
 * Consumers start; load starts once every clustering group's queues are a disjoint cover of its
 * live instances (bounded), and not before the warmup time. A group whose instances subscribe
 * different topics can only cover the topics they all subscribe.
 *
 * The producers' processes start here too, beside the consumers, and load waits for them to be
 * up: a worker takes seconds to boot on a busy machine, and booted at load start it sent
 * nothing through a short load phase and began its schedule late, so a fault timed from a
 * phase start met less traffic than the plan says (a restart at chaos 3 s once came before the
 * first delivery: no duplicates to see). They are told to send when load starts.
 */
export async function warmup(session: RunSession, { fleet, faults, masters, layout }: RunParts): Promise<void> {
  const { plan, measurements, signal } = session;
  session.phases.enter('warmup');
  faults.enterPhase('warmup');
  const consumers = layout.consumers;
  // Each start spawns its process before it first waits: consumers first, then the producers.
  const consumersReady = Promise.all(consumers.map((config) => fleet.startConsumer(config)));
  const producers = layout.producers.map((config) => fleet.bootProducer(config));
  await consumersReady;
  session.events.emit('consumers-ready', { instances: consumers.map((c) => c.instanceId) });
  const warmupEnd = Date.now() + plan.phases.warmupMs;
  const targets = settleTargets(plan, session.groups.queueOwning, masters);
  for (const target of targets) if (target.partial.length > 0) session.log(describePartial(target));
  // The poll must end when the bound does: a group that never settles would otherwise keep
  // polling, and the process alive, after the run.
  const settleWait = new AbortController();
  const settled = await withinTime(
    waitUntil(
      () => groupsSettled(targets, measurements.rebalance.events, measurements.assignments),
      AbortSignal.any([signal, settleWait.signal]),
    ),
    Math.max(plan.phases.warmupMs, SETTLE_BOUND_MS),
    signal,
  );
  settleWait.abort();
  if (!settled)
    session.log('warmup: the consumer groups did not settle on a queue assignment within 30 s; starting load anyway');
  await Promise.all(producers.map((p) => p.booted(WORKER_READY_MS)));
  await sleep(Math.max(0, warmupEnd - Date.now()), signal);
  session.checkAbort();
}

/** Producers send through load, chaos and heal (the steady state, the faults, the recovery). */
export async function load(session: RunSession, { fleet, faults, layout }: RunParts): Promise<void> {
  const { plan, signal } = session;
  session.phases.enter('load');
  faults.enterPhase('load');
  holdForBacklog(session, fleet, layout);
  const producers = layout.producers.map((config) => fleet.startProducer(config));
  const loadStart = Date.now();
  const workloads = startWorkloads(session, layout, producers, loadStart);
  const chaosAt = loadStart + plan.phases.loadMs;
  for (const [name, at, ms] of [
    ['chaos', chaosAt, plan.phases.chaosMs],
    ['heal', chaosAt + plan.phases.chaosMs, plan.phases.healMs],
  ] as const) {
    if (ms === 0) continue;
    await sleep(Math.max(0, at - Date.now()), signal);
    session.checkAbort();
    session.phases.enter(name);
    faults.enterPhase(name);
  }
  // A producer exits by itself after its sending time (a transactional one stays to answer
  // check-backs, having said producer-done); wait for all of them, bounded.
  const sendingMs = plan.phases.loadMs + plan.phases.chaosMs + plan.phases.healMs;
  const sent = producers.map((p, i) => (layout.producers[i]?.transaction ? p.sendingDone : p.proc.exited));
  await withinTime(Promise.all(sent), sendingMs + WORKER_READY_MS, signal);
  await Promise.all(workloads);
  session.checkAbort();
}

/** Until the ledger's backlog is gone (and the drain's own faults are over), or the drain time is up. */
export async function drain(session: RunSession, { faults, cluster }: RunParts): Promise<void> {
  const { plan, measurements, signal } = session;
  session.phases.enter('drain');
  faults.enterPhase('drain');
  const drainStart = Date.now();
  const drainDeadline = drainStart + plan.phases.drainMs;
  // Faults planned in the drain phase happen even when the backlog is gone sooner.
  const drainFaultsEnd = drainStart + lastDrainFaultEndMs(plan);
  while (Date.now() < drainDeadline && !signal.aborted) {
    if (measurements.ledgerBacklog() === 0 && Date.now() >= drainFaultsEnd) {
      session.drained = true;
      break;
    }
    await sleep(100, signal);
  }
  session.events.emit('drain-end', { drained: session.drained, backlog: measurements.ledgerBacklog() });
  await session.backlog?.finish();
  session.checkAbort();
  await readDeadLetterQueues(session, cluster);
}

/** Bound on waiting for the last send-backs to land in the DLQs once the drain is over. */
const DLQ_READ_BACK_MS = 15_000;

/** Groups with `deadLetter`: reads each `%DLQ%<group>` back into the ledger (dead-letter-readback.ts). */
async function readDeadLetterQueues(session: RunSession, cluster: RunParts['cluster']): Promise<void> {
  const { measurements, signal } = session;
  const scopes = measurements.deadLetterScopes();
  if (scopes.length === 0) return;
  const admin = observerAdmin(cluster.endpoints, `dlq-reader-${process.pid}`, 5000);
  try {
    const results = await readBackDeadLetters(admin, measurements, session.runId, scopes, DLQ_READ_BACK_MS, signal);
    measurements.deadLetterReadBack = results;
    measurements.deadLetterDelayLevelsMs = await brokerDelayLevels(admin, session);
    for (const r of results) {
      session.events.emit('dead-letters-read', { ...r });
      session.log(
        `dead letters: ${r.read} read back from ${r.topic}` +
          (r.awaited > 0 ? `, ${r.awaited} sent back for the last time but not found` : '') +
          (r.errors.length > 0 ? `; errors: ${r.errors.join('; ')}` : ''),
      );
    }
  } finally {
    await admin.close();
  }
}

/**
 * The delay levels the broker itself runs with (its messageDelayLevel, asked of the first master),
 * for the retry timeline's expectation: an external cluster's are not in the plan. Undefined
 * (the plan's or the default then) when the broker does not answer or says nothing parsable.
 */
async function brokerDelayLevels(admin: RemotingAdmin, session: RunSession): Promise<number[] | undefined> {
  try {
    const [master] = await admin.masterAddrs();
    const text = master ? (await admin.brokerConfig(master.addr))['messageDelayLevel'] : undefined;
    const parsed = text === undefined ? undefined : parseMessageDelayLevel(text);
    if (parsed?.ok) return parsed.levelsMs;
    session.log(
      `dead letters: the broker's messageDelayLevel ${JSON.stringify(text)} is not readable; using the plan's`,
    );
  } catch (error) {
    session.log(`dead letters: could not read the broker's messageDelayLevel (${(error as Error).message})`);
  }
  return undefined;
}

/**
 * The orderly stop: every fault is undone before the fleet stops, so consumers close on a
 * healthy network; consumers commit their offsets when they close, so the final broker sample
 * after this is comparable with the ledger.
 */
export async function stop(session: RunSession, { fleet, faults, sampler, observer }: RunParts): Promise<void> {
  session.phases.enter('stop');
  // A run that skipped the drain (an abortOnFail threshold) still lets held consumers go.
  await session.backlog?.finish();
  await observer.stop();
  await faults.endAll();
  await Promise.all(
    fleet
      .all()
      .filter((w) => !w.proc.hasExited)
      .map((w) => w.stop()),
  );
  await sampler.stop(true);
}

/** When the last drain-phase fault ends, from the start of the drain phase (0 when none). */
function lastDrainFaultEndMs(plan: ResolvedPlan): number {
  return Math.max(
    0,
    ...plan.faults
      .filter((f) => f.phase === 'drain')
      .flatMap((f) => f.occurrences.map((o) => o.atMs + (o.durationMs ?? 0))),
  );
}

/** Resolves once `condition` holds (checked every 100 ms) or the run is aborted. */
async function waitUntil(condition: () => boolean, signal: AbortSignal): Promise<void> {
  while (!condition() && !signal.aborted) await sleep(100, signal);
}
