import { killSpec } from '../../plan/fault-specs/kill.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { processTarget } from './process-target.ts';

/** SIGKILL a node or fleet instance: no unregister, no offset commit, no goodbye. */
export const killAction: FaultImplementation<typeof killSpec> = {
  spec: killSpec,
  async begin(target, _params, context) {
    const t = processTarget(target, context);
    const begunAt = Date.now();
    await t.control.kill(t.name);
    const observed = { begunAt, endedAt: Date.now(), detail: `SIGKILL ${t.kind} ${t.name}` };
    return { observed, end: async () => {} };
  },
};
