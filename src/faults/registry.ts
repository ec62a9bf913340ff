/**
 * Fault actions by the name a plan uses (`network.latency`, `kill`, ...): what the
 * scheduler's `actionOf` looks up. Each entry is an implementation keyed by its action's spec
 * (`plan/fault-specs/`); the table is typed by the plan's list of actions, so an action
 * without an implementation, or an implementation written for another action's params, does
 * not compile. The scheduler hands params over as plain records (each occurrence's resolved
 * params plus `faultName` and `seed`); they are checked here against the spec's runtime
 * schema before the implementation sees them.
 */
import type { z } from 'zod';
import { isFaultAction, type FaultActionName, type FaultSpecOf } from '../plan/fault-catalogue.ts';
import type { AnyFaultSpec } from '../plan/fault-specs/fault-spec.ts';
import { UsageError } from '../util/errors.ts';
import type { FaultAction, FaultImplementation } from './fault-action.ts';
import { aclRevokeAction } from './actions/acl-revoke.ts';
import { diskFillAction } from './actions/disk-fill.ts';
import { diskSlowAction } from './actions/disk-slow.ts';
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

/** Zod's typed internals, not `z.output` (a conditional type): so a generic spec's params line up. */
function parseParams<Z extends z.ZodType>(action: string, schema: Z, params: unknown): Z['_zod']['output'] {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issues = result.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(params)'}: ${i.message}`)
    .join('; ');
  throw new UsageError(`${action}: invalid params: ${issues}`);
}

/** The scheduler's view of an implementation (by name, untyped params), still carrying its spec's type. */
type Registered<S extends AnyFaultSpec> = FaultAction & { readonly spec: S };

function register<S extends AnyFaultSpec>(implementation: FaultImplementation<S>): Registered<S> {
  const { spec } = implementation;
  return {
    name: spec.name,
    spec,
    // async: bad params reject the begin, as any other failure to apply the fault does.
    begin: async (target, params, context) =>
      implementation.begin(target, parseParams(spec.name, spec.runtime, params), context),
  };
}

/** One entry per action of the plan's catalogue, each registered with the spec of that very action. */
const ACTIONS: { readonly [A in FaultActionName]: Registered<FaultSpecOf<A>> } = {
  'network.down': register(networkDown),
  'network.flap': register(networkFlap),
  'network.latency': register(networkLatency),
  'network.bandwidth': register(networkBandwidth),
  'network.timeout': register(networkTimeout),
  'network.reset_peer': register(networkResetPeer),
  'network.slicer': register(networkSlicer),
  'network.limit_data': register(networkLimitData),
  kill: register(killAction),
  pause: register(pauseAction),
  restart: register(restartAction),
  scale: register(scaleAction),
  drift: register(driftAction),
  'disk.fill': register(diskFillAction),
  'disk.slow': register(diskSlowAction),
  'acl.revoke': register(aclRevokeAction),
};

export function faultActionNames(): string[] {
  return Object.keys(ACTIONS).sort();
}

export function getFaultAction(name: string): FaultAction {
  if (!isFaultAction(name))
    throw new UsageError(`no fault action named "${name}" (available: ${faultActionNames().join(', ')})`);
  return ACTIONS[name];
}
