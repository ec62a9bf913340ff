import { z } from 'zod';
import { defineFault } from './fault-spec.ts';
import { KILL_TARGETS } from './shared.ts';

/** SIGKILL; nothing is undone at the end. */
export const killSpec = defineFault({
  name: 'kill',
  description: 'SIGKILL a node or a fleet instance; or an agent, which takes its instances with it (a lost host).',
  lasts: 'never',
  ...KILL_TARGETS,
  insteadOfDuration: 'pause stops a process for a while',
  params: {},
  resolved: z.strictObject({}),
  resolve: () => ({}),
});
