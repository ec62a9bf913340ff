import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { UsageError } from '../util/errors.ts';
import { type RunOptions, type RunOutcome, RunSession } from './run-session.ts';
import { drain, load, stop, warmup } from './stages.ts';

/**
 * One run of a plan: cluster up with topics and the run's parts (prepare), consumers (warmup),
 * producers (load, chaos, heal), drain, stop, then the summary with its verdict. The session
 * owns every resource and releases it however the run ends; a threshold with abortOnFail that
 * fails skips the remaining phases, not the stop.
 */
export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  refuseUnimplementedModes(options.plan);
  const session = new RunSession(options);
  try {
    const parts = await session.prepare();
    try {
      await warmup(session, parts);
      await load(session, parts);
      await drain(session, parts);
    } catch (error) {
      if (error !== session.thresholdAbort) throw error;
      session.events.emit('aborted-by-threshold', { ...session.thresholdAbort.abortedBy });
    }
    await stop(session, parts);
  } finally {
    await session.close();
  }
  return session.outcome();
}

/**
 * The plan language knows `mode: pull`, but no driver runs a pull consumer yet: refuse before
 * anything starts rather than quietly running push. (`simple` is the grpc consumer, which is
 * built on the SimpleConsumer; remoting `push` is the classic push consumer.)
 */
function refuseUnimplementedModes(plan: ResolvedPlan): void {
  const pull = plan.fleets.consumers.flatMap((f) =>
    f.perInstance.filter((i) => i.mode === 'pull').map((i) => i.instanceId),
  );
  if (pull.length > 0) {
    throw new UsageError(
      `mode pull is not implemented by the drivers yet (instances ${pull.join(', ')})`,
      'use mode: push (remoting) or mode: simple (grpc)',
    );
  }
}
