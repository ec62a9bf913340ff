/** `network.latency`: Toxiproxy's `latency` toxic, `latencyMs` ± `jitterMs` added to data on the link. */
import { networkLatencySpec } from '../../plan/fault-specs/network-latency.ts';
import { toxicAction } from './toxic-fault.ts';

export const networkLatency = toxicAction(networkLatencySpec, (p) => ({
  type: 'latency',
  attributes: { latency: Math.round(p.latencyMs), jitter: Math.round(p.jitterMs) },
  summary: `latency ${p.latencyMs}ms${p.jitterMs > 0 ? `±${p.jitterMs}ms` : ''}`,
}));
