/**
 * Fault actions by the name a plan uses (`network.latency`, `kill`, ...): what the
 * scheduler's `actionOf` looks up. It passes each occurrence's resolved params plus
 * `faultName` and `seed`; network actions validate theirs with the zod `schema` they expose.
 */
import { UsageError } from '../util/errors.ts';
import type { FaultAction } from './fault-action.ts';
import { driftAction } from './actions/drift.ts';
import { killAction } from './actions/kill.ts';
import { pauseAction } from './actions/pause.ts';
import { restartAction } from './actions/restart.ts';
import { scaleAction } from './actions/scale.ts';
import { networkBandwidth } from './actions/network-bandwidth.ts';
import { networkDown } from './actions/network-down.ts';
import { networkFlap } from './actions/network-flap.ts';
import { networkLatency } from './actions/network-latency.ts';
import { networkLimitData } from './actions/network-limit-data.ts';
import { networkResetPeer } from './actions/network-reset-peer.ts';
import { networkSlicer } from './actions/network-slicer.ts';
import { networkTimeout } from './actions/network-timeout.ts';

/**
 * Process actions declare their params' type and trust the plan resolver for the shape (the
 * scheduler hands over exactly `FaultParamsByAction[action]`); network actions validate. The
 * registry holds both under the scheduler's untyped view.
 */
const untyped = <P>(action: FaultAction<P>): FaultAction => action as unknown as FaultAction;

const ACTIONS: Record<string, FaultAction> = Object.fromEntries(
  [
    networkDown,
    networkFlap,
    networkLatency,
    networkBandwidth,
    networkTimeout,
    networkResetPeer,
    networkSlicer,
    networkLimitData,
    untyped(killAction),
    untyped(pauseAction),
    untyped(restartAction),
    untyped(scaleAction),
    untyped(driftAction),
  ].map((action) => [action.name, action]),
);

export function faultActionNames(): string[] {
  return Object.keys(ACTIONS).sort();
}

export function getFaultAction(name: string): FaultAction {
  const action = ACTIONS[name];
  if (!action) throw new UsageError(`no fault action named "${name}" (available: ${faultActionNames().join(', ')})`);
  return action;
}
