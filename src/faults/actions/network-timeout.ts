/**
 * `network.timeout`: Toxiproxy's `timeout` toxic. Data stops flowing; the connection is
 * closed after `timeoutMs` (0: held open, silent, until the fault ends), the classic
 * half-dead peer that only a request timeout or a heartbeat expiry notices.
 */
import { z } from 'zod';
import { toxicAction, toxicShape } from './toxic-fault.ts';

export const networkTimeoutParams = z.strictObject({
  ...toxicShape,
  timeoutMs: z.number().min(0),
});

export const networkTimeout = toxicAction('network.timeout', networkTimeoutParams, (p) => ({
  type: 'timeout',
  attributes: { timeout: Math.round(p.timeoutMs) },
  summary: p.timeoutMs === 0 ? 'timeout (silent until ended)' : `timeout ${p.timeoutMs}ms`,
}));
