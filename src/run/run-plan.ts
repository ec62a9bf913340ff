import { type RunOptions, type RunOutcome, RunSession } from './run-session.ts';
import { drain, load, stop, warmup } from './stages.ts';

/**
 * One run of a plan: cluster up with topics and the run's parts (prepare), consumers (warmup),
 * producers (load, chaos, heal), drain, stop, then the summary with its verdict. The session
 * owns every resource and releases it however the run ends; a threshold with abortOnFail that
 * fails skips the remaining phases, not the stop.
 */
export async function runPlan(options: RunOptions): Promise<RunOutcome> {
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
