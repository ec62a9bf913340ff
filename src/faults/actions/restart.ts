import type { FaultAction } from '../fault-action.ts';
import { processTarget } from './process-target.ts';

export interface RestartParams {
  hard: boolean;
  downMs: number;
}

/** Stop (SIGTERM, or SIGKILL when hard) and start again after `downMs`; a broker keeps its store. */
export const restartAction: FaultAction<RestartParams> = {
  name: 'restart',
  async begin(target, params, context) {
    const t = processTarget(target, context);
    const begunAt = Date.now();
    await t.control.restart(t.name, { hard: params.hard, downMs: params.downMs });
    return {
      observed: {
        begunAt,
        endedAt: Date.now(),
        detail: `${params.hard ? 'hard' : 'graceful'} restart of ${t.kind} ${t.name}, down ${params.downMs} ms`,
      },
      end: async () => {},
    };
  },
};
