/** `network.reset_peer`: Toxiproxy's `reset_peer` toxic, connections reset (TCP RST) after `timeoutMs` (0: at once). */
import { networkResetPeerSpec } from '../../plan/fault-specs/network-reset-peer.ts';
import { toxicAction } from './toxic-fault.ts';

export const networkResetPeer = toxicAction(networkResetPeerSpec, (p) => ({
  type: 'reset_peer',
  attributes: { timeout: Math.round(p.timeoutMs) },
  summary: `reset_peer after ${p.timeoutMs}ms`,
}));
