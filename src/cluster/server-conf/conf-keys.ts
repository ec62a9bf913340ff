/**
 * One description of every key a plan may put in broker.conf (`cluster.brokerConfig`) or a name
 * server's conf file (`cluster.namesrvConfig`): the generated catalogue's Java types with the
 * hand-kept rules (times, negatives, keys rmq-chaos owns) applied. The plan's schema validates
 * and converts with it and the conf writers refuse what it refuses, so a plan that validates is
 * a plan the cluster accepts.
 */
import { BROKER_CONF_CLASSES, CATALOGUE_ROCKETMQ_VERSION, NAMESRV_CONF_CLASSES } from './catalogue.generated.ts';
import type { JavaConfType } from './catalogue.generated.ts';
import {
  type ConfServer,
  type TimeUnit,
  ownedKeyReason,
  refusedValues,
  takesNegative,
  timeUnitOf,
} from './key-rules.ts';

export type { ConfServer, TimeUnit } from './key-rules.ts';
export { CATALOGUE_ROCKETMQ_VERSION };

/** A value as a conf file holds it, after conversion (times in the key's unit). */
export type ConfValue = string | number | boolean;

export type ConfKeySpec =
  /** Java int or long; `unit` when the number is a time (a plan may then write a duration). */
  | { kind: 'integer'; java: 'int' | 'long'; min: number; max: number; unit?: TimeUnit }
  /** Java double or float. */
  | { kind: 'number'; min?: number }
  | { kind: 'boolean' }
  /** One line: a line break would start another property. */
  | { kind: 'string' }
  /** The enum's constants; `refused` maps a constant the plan may not choose to why. */
  | { kind: 'enum'; values: readonly string[]; refused: Readonly<Record<string, string>> }
  /** rmq-chaos writes this key itself; `reason` says why and what to set instead. */
  | { kind: 'owned'; reason: string };

/**
 * A Java long holds up to 2^63-1, but a YAML number past 2^53 is no longer exact in JavaScript:
 * the plan caps longs there rather than write a value other than the one given.
 */
const JAVA_RANGES = {
  int: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  long: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
} as const;

function specOf(server: ConfServer, key: string, type: JavaConfType): ConfKeySpec {
  const owned = ownedKeyReason(server, key);
  if (owned !== undefined) return { kind: 'owned', reason: owned };
  if (typeof type !== 'string') return { kind: 'enum', values: type, refused: refusedValues(server, key) };
  switch (type) {
    case 'int':
    case 'long': {
      const range = JAVA_RANGES[type];
      const unit = timeUnitOf(key);
      return {
        kind: 'integer',
        java: type,
        min: takesNegative(key) ? range.min : 0,
        max: range.max,
        ...(unit ? { unit } : {}),
      };
    }
    case 'double':
    case 'float':
      return takesNegative(key) ? { kind: 'number' } : { kind: 'number', min: 0 };
    case 'boolean':
      return { kind: 'boolean' };
    case 'String':
      return { kind: 'string' };
  }
}

/** Where a key comes from, for help text: `MessageStoreConfig`, `int` (an enum reads `enum`). */
export interface ConfKeyOrigin {
  className: string;
  java: string;
}

interface ServerKeys {
  specs: ReadonlyMap<string, ConfKeySpec>;
  origins: ReadonlyMap<string, ConfKeyOrigin>;
}

function keysOf(
  server: ConfServer,
  classes: Readonly<Record<string, Readonly<Record<string, JavaConfType>>>>,
): ServerKeys {
  const entries: Array<[string, ConfKeySpec, ConfKeyOrigin]> = [];
  for (const [className, keys] of Object.entries(classes)) {
    for (const [key, type] of Object.entries(keys)) {
      entries.push([key, specOf(server, key, type), { className, java: typeof type === 'string' ? type : 'enum' }]);
    }
  }
  entries.sort(([a], [b]) => a.localeCompare(b));
  return {
    specs: new Map(entries.map(([key, spec]) => [key, spec])),
    origins: new Map(entries.map(([key, , origin]) => [key, origin])),
  };
}

const KEYS: Readonly<Record<ConfServer, ServerKeys>> = {
  broker: keysOf('broker', BROKER_CONF_CLASSES),
  namesrv: keysOf('namesrv', NAMESRV_CONF_CLASSES),
};
const SPECS: Readonly<Record<ConfServer, ReadonlyMap<string, ConfKeySpec>>> = {
  broker: KEYS.broker.specs,
  namesrv: KEYS.namesrv.specs,
};

export function confKeyOrigin(server: ConfServer, key: string): ConfKeyOrigin | undefined {
  return KEYS[server].origins.get(key);
}

/** Every key the server reads, alphabetically, with what the plan may write there. */
export function confKeySpecs(server: ConfServer): ReadonlyMap<string, ConfKeySpec> {
  return SPECS[server];
}

/** How a message names each server's conf file. */
export const CONF_FILE_NAME: Readonly<Record<ConfServer, string>> = {
  broker: 'broker.conf',
  namesrv: 'name server conf',
};

/**
 * The conf writers' check of entries that come from a plan: every key known, none that rmq-chaos
 * or the server sets itself, no refused enum value. Validation refuses the same entries with
 * positioned messages (from the same specs); this guards callers that build a cluster spec
 * without a plan.
 */
export function assertPlanConfEntries(server: ConfServer, entries: Readonly<Record<string, ConfValue>>): void {
  const file = CONF_FILE_NAME[server];
  for (const [key, value] of Object.entries(entries)) {
    const spec = SPECS[server].get(key);
    if (!spec) throw new Error(`internal: ${key} is not a ${file} key of RocketMQ ${CATALOGUE_ROCKETMQ_VERSION}`);
    if (spec.kind === 'owned') throw new Error(`internal: ${file} key ${key}: ${spec.reason}`);
    const refused = spec.kind === 'enum' && typeof value === 'string' ? spec.refused[value] : undefined;
    if (refused !== undefined) throw new Error(`internal: ${file} ${key}=${value}: ${refused}`);
  }
}
