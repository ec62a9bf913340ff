/** `network.bandwidth`: Toxiproxy's `bandwidth` toxic, the link limited to `rateKBps` KB/s (Toxiproxy reads 0 as unlimited, so at least 1). */
import { z } from 'zod';
import { toxicAction, toxicShape } from './toxic-fault.ts';

export const networkBandwidthParams = z.strictObject({
  ...toxicShape,
  rateKBps: z.number().positive(),
});

export const networkBandwidth = toxicAction('network.bandwidth', networkBandwidthParams, (p) => ({
  type: 'bandwidth',
  attributes: { rate: Math.max(1, Math.floor(p.rateKBps)) },
  summary: `bandwidth ${p.rateKBps}KB/s`,
}));
