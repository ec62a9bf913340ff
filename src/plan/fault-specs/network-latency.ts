import { z } from 'zod';
import { ms } from '../resolve-values.ts';
import { duration } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';
import { JITTER, LINK_TARGETS, STREAM, streamSchema, toxicRuntime } from './shared.ts';

/** Toxiproxy `latency`: every chunk of data is delayed `latencyMs` ± `jitterMs`. */
export const networkLatencySpec = defineFault({
  name: 'network.latency',
  description: 'Delay data on the link by latency ± jitter.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: {
    latency: param({ schema: duration(), help: 'Delay added to data on the link.', example: 'latency: 200ms' }),
    jitter: JITTER,
    stream: STREAM,
  },
  required: ['latency'],
  resolved: z.strictObject({
    latencyMs: z.number().min(0),
    jitterMs: z.number().min(0).default(0),
    stream: streamSchema,
  }),
  runtimeOnly: toxicRuntime,
  resolve: (p) => ({ latencyMs: ms(p.latency), jitterMs: ms(p.jitter), stream: p.stream }),
});
