/**
 * `network.down`: the link disabled (Toxiproxy closes its listener and every connection on
 * it: peers see resets, new connects are refused) until the fault ends. Overlapping downs on
 * one link (or a flap's down phase) share a hold count: the link comes back with the last.
 */
import { z } from 'zod';
import type { FaultAction, FaultContext, FaultHandle } from '../fault-action.ts';
import { commonShape, holdDown, onceHandle, parseParams, releaseDown, requireLink } from './network-common.ts';

export const networkDownParams = z.strictObject({ ...commonShape });

export const networkDown: FaultAction & { readonly schema: typeof networkDownParams } = {
  name: 'network.down',
  schema: networkDownParams,
  async begin(target: string, params: Record<string, unknown>, context: FaultContext): Promise<FaultHandle> {
    parseParams('network.down', networkDownParams, params);
    const network = requireLink('network.down', target, context);
    await holdDown(network, target);
    const observed = { begunAt: Date.now(), detail: `link ${target} down` };
    context.log(`fault network.down: ${observed.detail}`);
    return onceHandle(observed, () => releaseDown(network, target), context.log);
  },
};
