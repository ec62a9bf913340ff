/** `network.reset_peer`: Toxiproxy's `reset_peer` toxic, connections reset (TCP RST) after `timeoutMs` (0: at once). */
import { z } from 'zod';
import { toxicAction, toxicShape } from './toxic-fault.ts';

export const networkResetPeerParams = z.strictObject({
  ...toxicShape,
  timeoutMs: z.number().min(0),
});

export const networkResetPeer = toxicAction('network.reset_peer', networkResetPeerParams, (p) => ({
  type: 'reset_peer',
  attributes: { timeout: Math.round(p.timeoutMs) },
  summary: `reset_peer after ${p.timeoutMs}ms`,
}));
