/** `network.limit_data`: Toxiproxy's `limit_data` toxic, each connection closed once `bytes` have passed. */
import { networkLimitDataSpec } from '../../plan/fault-specs/network-limit-data.ts';
import { toxicAction } from './toxic-fault.ts';

export const networkLimitData = toxicAction(networkLimitDataSpec, (p) => ({
  type: 'limit_data',
  attributes: { bytes: Math.floor(p.bytes) },
  summary: `limit_data ${p.bytes}B`,
}));
