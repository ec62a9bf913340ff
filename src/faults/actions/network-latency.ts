/** `network.latency`: Toxiproxy's `latency` toxic, `latencyMs` ± `jitterMs` added to data on the link. */
import { z } from 'zod';
import { toxicAction, toxicShape } from './toxic-fault.ts';

export const networkLatencyParams = z.strictObject({
  ...toxicShape,
  latencyMs: z.number().min(0),
  jitterMs: z.number().min(0).default(0),
});

export const networkLatency = toxicAction('network.latency', networkLatencyParams, (p) => ({
  type: 'latency',
  attributes: { latency: Math.round(p.latencyMs), jitter: Math.round(p.jitterMs) },
  summary: `latency ${p.latencyMs}ms${p.jitterMs > 0 ? `±${p.jitterMs}ms` : ''}`,
}));
