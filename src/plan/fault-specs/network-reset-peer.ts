import { z } from 'zod';
import { ms } from '../resolve-values.ts';
import { defineFault } from './fault-spec.ts';
import { LINK_TARGETS, STREAM, streamSchema, TIMEOUT, toxicRuntime } from './shared.ts';

/** Toxiproxy `reset_peer`: connections are reset (TCP RST) after `timeoutMs` (0: at once). */
export const networkResetPeerSpec = defineFault({
  name: 'network.reset_peer',
  description: 'Reset connections on the link (TCP RST) after timeout.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: { timeout: TIMEOUT, stream: STREAM },
  resolved: z.strictObject({ timeoutMs: z.number().min(0), stream: streamSchema }),
  runtimeOnly: toxicRuntime,
  resolve: (p) => ({ timeoutMs: ms(p.timeout), stream: p.stream }),
});
