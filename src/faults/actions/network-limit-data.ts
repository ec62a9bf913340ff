/** `network.limit_data`: Toxiproxy's `limit_data` toxic, each connection closed once `bytes` have passed. */
import { z } from 'zod';
import { toxicAction, toxicShape } from './toxic-fault.ts';

export const networkLimitDataParams = z.strictObject({
  ...toxicShape,
  bytes: z.number().min(0),
});

export const networkLimitData = toxicAction('network.limit_data', networkLimitDataParams, (p) => ({
  type: 'limit_data',
  attributes: { bytes: Math.floor(p.bytes) },
  summary: `limit_data ${p.bytes}B`,
}));
