/**
 * What every action that lasts shares: a handle whose end runs its undo once, records when,
 * and never throws (a run ends every begun fault however it ends, targets may be gone).
 */
import type { FaultHandle, ObservedFault } from '../fault-action.ts';

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A handle whose `end` runs once (later calls wait for the first), records the end time and
 * never throws: `undo` failures (link or server already gone) are logged, not raised.
 */
export function onceHandle(
  observed: ObservedFault,
  undo: () => Promise<void>,
  log: (line: string) => void,
): FaultHandle {
  let ending: Promise<void> | undefined;
  return {
    observed,
    end() {
      ending ??= (async () => {
        try {
          await undo();
        } catch (error) {
          log(`ending "${observed.detail}" failed (ignored): ${errorText(error)}`);
        } finally {
          observed.endedAt = Date.now();
        }
      })();
      return ending;
    },
  };
}
