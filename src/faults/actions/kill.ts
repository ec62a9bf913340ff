import { killSpec } from '../../plan/fault-specs/kill.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { describeTarget, hitNode, processTarget } from './process-target.ts';

/** SIGKILL a node or fleet instance: no unregister, no offset commit, no goodbye. */
export const killAction: FaultImplementation<typeof killSpec> = {
  spec: killSpec,
  async begin(target, _params, context) {
    const t = await processTarget(target, context);
    const begunAt = Date.now();
    await t.control.kill(t.name);
    const observed = { begunAt, endedAt: Date.now(), detail: `SIGKILL ${describeTarget(t)}`, ...hitNode(t) };
    return { observed, end: async () => {} };
  },
};
