import type { RunStop } from './run-abort.ts';
import { type RunOptions, type RunOutcome, RunSession } from './run-session.ts';
import { drain, load, stop, warmup } from './stages.ts';

/**
 * One run of a plan: cluster up with topics and the run's parts (prepare), consumers (warmup),
 * producers (load, chaos, heal), drain, stop, then the summary with its verdict. The session
 * owns every resource and releases it however the run ends; a threshold with abortOnFail that
 * fails skips the remaining phases, not the stop. Any other error (a signal, a cluster or
 * worker that does not start) ends the run `aborted`: released like any run, with a summary
 * that says why and what was released, and the error in the outcome for the caller to report.
 */
export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const session = new RunSession(options);
  let stopped: RunStop | undefined;
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
  } catch (error) {
    stopped = session.stoppedBy(error);
  }
  const released = await session.close(stopped);
  return stopped ? session.abortedOutcome(stopped, released) : session.outcome();
}
