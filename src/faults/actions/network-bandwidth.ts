/**
 * `network.bandwidth`: Toxiproxy's `bandwidth` toxic, the link limited to `rateKBps` KB/s (Toxiproxy reads 0 as
 * unlimited, so at least 1).
 */
import { networkBandwidthSpec } from '../../plan/fault-specs/network-bandwidth.ts';
import { toxicAction } from './toxic-fault.ts';

export const networkBandwidth = toxicAction(networkBandwidthSpec, (p) => ({
  type: 'bandwidth',
  attributes: { rate: Math.max(1, Math.floor(p.rateKBps)) },
  summary: `bandwidth ${p.rateKBps}KB/s`,
}));
