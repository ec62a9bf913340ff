import { driftSpec } from '../../plan/fault-specs/drift.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { subscriptionMap } from '../../protocol/index.ts';
import { HarnessError } from '../../util/errors.ts';

/**
 * Subscription drift: the instance restarts with another subscription (a redeploy with a
 * different config, which is how the seed's problems 1 and 2 happen in production); with a
 * duration, it restarts again with its own subscription at the end (heal).
 */
export const driftAction: FaultImplementation<typeof driftSpec> = {
  spec: driftSpec,
  async begin(target, params, context) {
    const fleet = context.fleet;
    if (!fleet) throw new HarnessError('fault-target', "drift needs the run's fleet");
    const subscription = subscriptionMap(params.subscriptions);
    const begunAt = Date.now();
    await fleet.restart(target, { hard: false, downMs: 0, subscription });
    const observed: { begunAt: number; endedAt?: number; detail: string } = {
      begunAt,
      detail: `${target} now subscribes ${JSON.stringify(subscription)}`,
    };
    let ended = false;
    return {
      observed,
      end: async () => {
        if (ended || !params.original) return;
        ended = true;
        await fleet.restart(target, { hard: false, downMs: 0, subscription: params.original }).catch(() => {});
        observed.endedAt = Date.now();
      },
    };
  },
};
