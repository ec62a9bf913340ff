/**
 * `network.down`: the link disabled (Toxiproxy closes its listener and every connection on
 * it: peers see resets, new connects are refused) until the fault ends. Overlapping downs on
 * one link (or a flap's down phase) share a hold count: the link comes back with the last.
 */
import { networkDownSpec } from '../../plan/fault-specs/network-down.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { holdDown, releaseDown, requireLink } from './network-common.ts';
import { onceHandle } from './once-handle.ts';

export const networkDown: FaultImplementation<typeof networkDownSpec> = {
  spec: networkDownSpec,
  async begin(target, _params, context) {
    const network = requireLink('network.down', target, context);
    await holdDown(network, target);
    const observed = { begunAt: Date.now(), detail: `link ${target} down` };
    context.log(`fault network.down: ${observed.detail}`);
    return onceHandle(observed, () => releaseDown(network, target), context.log);
  },
};
