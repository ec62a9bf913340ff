/**
 * Every fault action a plan may schedule, as the list of their specs (one file per action in
 * `fault-specs/`), and the tables derived from it: names, specs by name, and every parameter
 * any action takes. The schema, the cross-checks, the resolver and the fault actions all read
 * the specs, so an action added to this list is documented, validated and resolved everywhere
 * at once (and the fault registry does not compile until it has an implementation).
 */
import { aclRevokeSpec } from './fault-specs/acl-revoke.ts';
import { diskFillSpec } from './fault-specs/disk-fill.ts';
import { diskSlowSpec } from './fault-specs/disk-slow.ts';
import { driftSpec } from './fault-specs/drift.ts';
import type { AnyFaultSpec, ParamField, TargetKind } from './fault-specs/fault-spec.ts';
import { killSpec } from './fault-specs/kill.ts';
import { networkBandwidthSpec } from './fault-specs/network-bandwidth.ts';
import { networkDownSpec } from './fault-specs/network-down.ts';
import { networkFlapSpec } from './fault-specs/network-flap.ts';
import { networkLatencySpec } from './fault-specs/network-latency.ts';
import { networkLimitDataSpec } from './fault-specs/network-limit-data.ts';
import { networkResetPeerSpec } from './fault-specs/network-reset-peer.ts';
import { networkSlicerSpec } from './fault-specs/network-slicer.ts';
import { networkTimeoutSpec } from './fault-specs/network-timeout.ts';
import { pauseSpec } from './fault-specs/pause.ts';
import { restartSpec } from './fault-specs/restart.ts';
import { scaleSpec } from './fault-specs/scale.ts';

export type { TargetKind } from './fault-specs/fault-spec.ts';

/** In the order the plan's JSON Schema lists them. */
export const FAULT_SPECS = [
  networkDownSpec,
  networkFlapSpec,
  networkLatencySpec,
  networkBandwidthSpec,
  networkTimeoutSpec,
  networkResetPeerSpec,
  networkSlicerSpec,
  networkLimitDataSpec,
  killSpec,
  pauseSpec,
  restartSpec,
  scaleSpec,
  driftSpec,
  diskFillSpec,
  diskSlowSpec,
  aclRevokeSpec,
] as const;

type Specs = (typeof FAULT_SPECS)[number];
export type FaultActionName = Specs['name'];
/** The spec of one action, with its own parameter and resolved types. */
export type FaultSpecOf<A extends FaultActionName> = Extract<Specs, { name: A }>;

export const TARGET_NOUNS: Record<TargetKind, string> = {
  link: 'a link',
  node: 'a node',
  'producer-instance': 'a producer instance',
  'consumer-instance': 'a consumer instance',
  'consumer-fleet': 'a consumer fleet',
  'producer-fleet': 'a producer fleet',
  agent: 'an agent',
  'acl-user': 'a cluster.acl user',
};

export const FAULT_ACTION_NAMES = FAULT_SPECS.map((spec) => spec.name) as [FaultActionName, ...FaultActionName[]];

/** Specs by name, under their common type (`FaultSpecOf` keeps one action's own types). */
export const FAULT_ACTIONS = Object.fromEntries(
  FAULT_SPECS.map((spec): [string, AnyFaultSpec] => [spec.name, spec]),
) as Readonly<Record<FaultActionName, AnyFaultSpec>>;

export function isFaultAction(name: unknown): name is FaultActionName {
  return typeof name === 'string' && Object.hasOwn(FAULT_ACTIONS, name);
}

/** Keys every fault may have, whatever its action. */
export const FAULT_COMMON_KEYS = ['name', 'action', 'target', 'phase', 'at', 'duration', 'every', 'count'] as const;

/**
 * Every parameter of any action, in spec order, with its one field. A fault is one flat map,
 * so a key two actions take (`jitter`, `stream`, `timeout`) must be the same field in both
 * (they share it from `fault-specs/shared.ts`); anything else is a mistake caught at load.
 */
export const FAULT_PARAM_FIELDS: ReadonlyMap<string, ParamField> = (() => {
  const fields = new Map<string, ParamField>();
  for (const spec of FAULT_SPECS as readonly AnyFaultSpec[]) {
    for (const [key, field] of Object.entries(spec.params)) {
      const known = fields.get(key);
      if (known && known !== field)
        throw new Error(`internal: fault parameter ${key} of ${spec.name} differs from another action's ${key}`);
      fields.set(key, field);
    }
  }
  return fields;
})();

export const FAULT_PARAM_NAMES: readonly string[] = [...FAULT_PARAM_FIELDS.keys()];
