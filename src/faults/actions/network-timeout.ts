/**
 * `network.timeout`: Toxiproxy's `timeout` toxic. Data stops flowing; the connection is
 * closed after `timeoutMs` (0: held open, silent, until the fault ends), the classic
 * half-dead peer that only a request timeout or a heartbeat expiry notices.
 */
import { networkTimeoutSpec } from '../../plan/fault-specs/network-timeout.ts';
import { toxicAction } from './toxic-fault.ts';

export const networkTimeout = toxicAction(networkTimeoutSpec, (p) => ({
  type: 'timeout',
  attributes: { timeout: Math.round(p.timeoutMs) },
  summary: p.timeoutMs === 0 ? 'timeout (silent until ended)' : `timeout ${p.timeoutMs}ms`,
}));
