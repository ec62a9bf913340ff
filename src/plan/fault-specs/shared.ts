/**
 * What several actions share: target sets, the parameters more than one action takes (one
 * field each, so the plan's flat `faults:` map has one rule and one help text per key), and
 * the runtime shape of Toxiproxy toxics.
 */
import { z } from 'zod';
import { duration, oneOf } from '../schema-primitives.ts';
import { param } from './fault-spec.ts';

export const LINK_TARGETS = { targets: ['link'], targetsPhrase: 'links' } as const;
export const PROCESS_TARGETS = {
  targets: ['node', 'producer-instance', 'consumer-instance'],
  targetsPhrase: 'nodes and fleet instances',
} as const;
/** kill also takes an agent: the host and every instance on it, gone at once. */
export const KILL_TARGETS = {
  targets: ['node', 'producer-instance', 'consumer-instance', 'agent'],
  targetsPhrase: 'nodes, fleet instances and agents',
} as const;

export const JITTER = param({
  schema: duration(),
  help: "Random variation: latency ± jitter, or of each flap cycle's timing.",
  example: 'jitter: 50ms',
  default: '0ms',
});

export const STREAM = param({
  schema: oneOf(['upstream', 'downstream', 'both']),
  help: 'Direction the toxic applies to: upstream (client to server), downstream, or both.',
  example: 'stream: downstream',
  default: 'both',
});

export const TIMEOUT = param({
  schema: duration(),
  help:
    'After this long, connections are closed (network.timeout; 0: data is held until the fault ends) or reset ' +
    '(network.reset_peer; 0: at once).',
  example: 'timeout: 5s',
  default: '0ms',
});

/** Resolved `stream`; direct callers that leave it out get Toxiproxy's own default, downstream. */
export const streamSchema = z.enum(['upstream', 'downstream', 'both']).default('downstream');

/** Toxic params the plan never sets: the share of connections affected (0..1, default 1). */
export const toxicRuntime = { toxicity: z.number().min(0).max(1).default(1) };
