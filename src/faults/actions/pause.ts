import { pauseSpec } from '../../plan/fault-specs/pause.ts';
import type { FaultImplementation, ObservedFault } from '../fault-action.ts';
import { onceHandle } from './once-handle.ts';
import { describeTarget, hitNode, processOnly, processTarget } from './process-target.ts';

/**
 * SIGSTOP a node or fleet instance for the fault's duration, then SIGCONT. A stopped consumer
 * keeps its TCP connections open and stops heartbeating: the broker keeps it in the group
 * until the channel expires (the seed's problem 3).
 */
export const pauseAction: FaultImplementation<typeof pauseSpec> = {
  spec: pauseSpec,
  async begin(target, _params, context) {
    const t = processOnly(await processTarget(target, context), 'pause');
    const begunAt = Date.now();
    await t.control.pause(t.name);
    const observed: ObservedFault = { begunAt, detail: `SIGSTOP ${describeTarget(t)}`, ...hitNode(t) };
    return onceHandle(observed, () => t.control.resume(t.name).catch(() => {}), context.log);
  },
};
