import { z } from 'zod';
import { ms } from '../resolve-values.ts';
import { defineFault } from './fault-spec.ts';
import { LINK_TARGETS, STREAM, streamSchema, TIMEOUT, toxicRuntime } from './shared.ts';

/** Toxiproxy `timeout`: data stops; connections close after `timeoutMs` (0: held until the fault ends). */
export const networkTimeoutSpec = defineFault({
  name: 'network.timeout',
  description: 'Stop data on the link; close connections after timeout (0: hold them until the fault ends).',
  lasts: 'always',
  ...LINK_TARGETS,
  params: { timeout: TIMEOUT, stream: STREAM },
  resolved: z.strictObject({ timeoutMs: z.number().min(0), stream: streamSchema }),
  runtimeOnly: toxicRuntime,
  resolve: (p) => ({ timeoutMs: ms(p.timeout), stream: p.stream }),
});
