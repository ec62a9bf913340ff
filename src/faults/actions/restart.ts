import { restartSpec } from '../../plan/fault-specs/restart.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { describeTarget, hitNode, processOnly, processTarget } from './process-target.ts';

/** Stop (SIGTERM, or SIGKILL when hard) and start again after `downMs`; a broker keeps its store. */
export const restartAction: FaultImplementation<typeof restartSpec> = {
  spec: restartSpec,
  async begin(target, params, context) {
    const t = processOnly(await processTarget(target, context), 'restart');
    const begunAt = Date.now();
    await t.control.restart(t.name, { hard: params.hard, downMs: params.downMs });
    return {
      observed: {
        begunAt,
        endedAt: Date.now(),
        detail: `${params.hard ? 'hard' : 'graceful'} restart of ${describeTarget(t)}, down ${params.downMs} ms`,
        ...hitNode(t),
      },
      end: async () => {},
    };
  },
};
