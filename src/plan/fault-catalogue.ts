/**
 * Every fault action a plan may schedule: whether it lasts, what it may target, and which
 * parameters it takes. The schema (editor help and per-action key rules), the cross-checks and
 * the resolver all read this one table, so an action added here is documented, validated and
 * resolved everywhere at once (the resolver's switch fails to compile until it handles it).
 */
import type { FaultActionName } from './resolved-faults.ts';

/** What a target name refers to. Producer fleets are no target, but are recognised to say so. */
export type TargetKind =
  | 'link'
  | 'node'
  | 'producer-instance'
  | 'consumer-instance'
  | 'consumer-fleet'
  | 'producer-fleet';

export const TARGET_NOUNS: Record<TargetKind, string> = {
  link: 'a link',
  node: 'a node',
  'producer-instance': 'a producer instance',
  'consumer-instance': 'a consumer instance',
  'consumer-fleet': 'a consumer fleet',
  'producer-fleet': 'a producer fleet',
};

export type FaultParamName =
  | 'period'
  | 'downFor'
  | 'jitter'
  | 'latency'
  | 'stream'
  | 'rate'
  | 'timeout'
  | 'averageSize'
  | 'sizeVariation'
  | 'delay'
  | 'bytes'
  | 'hard'
  | 'down'
  | 'delta'
  | 'subscription';

export interface FaultActionSpec {
  /** `always`: needs a duration; `never`: instant, takes none; `optional`: either. */
  lasts: 'always' | 'never' | 'optional';
  targets: readonly TargetKind[];
  /** How messages name what the action takes: "links", "nodes and fleet instances". */
  targetsPhrase: string;
  params: readonly FaultParamName[];
  required: readonly FaultParamName[];
  /** For instant actions: what to use instead of a duration. */
  insteadOfDuration?: string;
  description: string;
}

/** A required parameter as an example, for "required key is missing" messages. */
export const PARAM_EXAMPLES: Record<FaultParamName, string> = {
  period: 'period: 2s',
  downFor: 'downFor: 500ms',
  jitter: 'jitter: 50ms',
  latency: 'latency: 200ms',
  stream: 'stream: downstream',
  rate: 'rate: 100KiB/s',
  timeout: 'timeout: 5s',
  averageSize: 'averageSize: 1KiB',
  sizeVariation: 'sizeVariation: 256B',
  delay: 'delay: 1ms',
  bytes: 'bytes: 64KiB',
  hard: 'hard: true',
  down: 'down: 10s',
  delta: 'delta: 1',
  subscription: 'subscription: {orders: "TagA"}',
};

const LINK = ['link'] as const;
const PROCESS = ['node', 'producer-instance', 'consumer-instance'] as const;
const LINKS = 'links';
const PROCESSES = 'nodes and fleet instances';

/** `network.latency` and the other Toxiproxy toxics: their own keys, then stream. */
function toxic(params: FaultParamName[], required: FaultParamName[], description: string): FaultActionSpec {
  return { lasts: 'always', targets: LINK, targetsPhrase: LINKS, params: [...params, 'stream'], required, description };
}

export const FAULT_ACTIONS = {
  'network.down': {
    lasts: 'always',
    targets: LINK,
    targetsPhrase: LINKS,
    params: [],
    required: [],
    description: 'Cut the link (Toxiproxy disables it) for the duration.',
  },
  'network.flap': {
    lasts: 'always',
    targets: LINK,
    targetsPhrase: LINKS,
    params: ['period', 'downFor', 'jitter'],
    required: ['period'],
    description: 'Take the link down for downFor at the start of every period, for the duration.',
  },
  'network.latency': toxic(['latency', 'jitter'], ['latency'], 'Delay data on the link by latency ± jitter.'),
  'network.bandwidth': toxic(['rate'], ['rate'], 'Limit the link to rate, a size per second such as 100KiB/s.'),
  'network.timeout': toxic(
    ['timeout'],
    [],
    'Stop data on the link; close connections after timeout (0: hold them until the fault ends).',
  ),
  'network.reset_peer': toxic(['timeout'], [], 'Reset connections on the link (TCP RST) after timeout.'),
  'network.slicer': toxic(
    ['averageSize', 'sizeVariation', 'delay'],
    ['averageSize'],
    'Cut data into pieces of averageSize ± sizeVariation, delay apart.',
  ),
  'network.limit_data': toxic(['bytes'], ['bytes'], 'Close a connection on the link after it carried bytes.'),
  kill: {
    lasts: 'never',
    targets: PROCESS,
    targetsPhrase: PROCESSES,
    params: [],
    required: [],
    insteadOfDuration: 'pause stops a process for a while',
    description: 'SIGKILL a node or a fleet instance.',
  },
  pause: {
    lasts: 'always',
    targets: PROCESS,
    targetsPhrase: PROCESSES,
    params: [],
    required: [],
    description: 'SIGSTOP a node or a fleet instance for the duration, then SIGCONT.',
  },
  restart: {
    lasts: 'never',
    targets: PROCESS,
    targetsPhrase: PROCESSES,
    params: ['hard', 'down'],
    required: [],
    insteadOfDuration: 'down sets how long it stays stopped',
    description: 'Stop a node or fleet instance (gracefully, or SIGKILL with hard: true), wait down, start it again.',
  },
  scale: {
    lasts: 'never',
    targets: ['consumer-fleet'],
    targetsPhrase: 'consumer fleets',
    params: ['delta'],
    required: ['delta'],
    insteadOfDuration: 'a second scale fault with the opposite delta undoes it',
    description: 'Add (delta > 0) or remove (delta < 0) instances of a consumer fleet.',
  },
  drift: {
    lasts: 'optional',
    targets: ['consumer-instance'],
    targetsPhrase: 'consumer instances',
    params: ['subscription'],
    required: ['subscription'],
    description: "Change a consumer instance's subscription; with a duration it goes back to its own at the end.",
  },
} as const satisfies Record<FaultActionName, FaultActionSpec>;

export const FAULT_ACTION_NAMES = [
  'network.down',
  'network.flap',
  'network.latency',
  'network.bandwidth',
  'network.timeout',
  'network.reset_peer',
  'network.slicer',
  'network.limit_data',
  'kill',
  'pause',
  'restart',
  'scale',
  'drift',
] as const satisfies readonly FaultActionName[];

// Compile-time: the list names every action (the enum in the schema is built from it).
type Unlisted = Exclude<FaultActionName, (typeof FAULT_ACTION_NAMES)[number]>;
const everyActionListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyActionListed;

export function isFaultAction(name: unknown): name is FaultActionName {
  return typeof name === 'string' && Object.hasOwn(FAULT_ACTIONS, name);
}

export function faultAction(name: FaultActionName): FaultActionSpec {
  return FAULT_ACTIONS[name];
}

/** Keys every fault may have, whatever its action. */
export const FAULT_COMMON_KEYS = ['name', 'action', 'target', 'phase', 'at', 'duration', 'every', 'count'] as const;

/** Every parameter of any action, in catalogue order. */
export const FAULT_PARAM_NAMES = [
  ...new Set(Object.values(FAULT_ACTIONS).flatMap((a) => a.params)),
] as FaultParamName[];
