import { z } from 'zod';
import { defineFault } from './fault-spec.ts';
import { PROCESS_TARGETS } from './shared.ts';

/** SIGKILL; nothing is undone at the end. */
export const killSpec = defineFault({
  name: 'kill',
  description: 'SIGKILL a node or a fleet instance.',
  lasts: 'never',
  ...PROCESS_TARGETS,
  insteadOfDuration: 'pause stops a process for a while',
  params: {},
  resolved: z.strictObject({}),
  resolve: () => ({}),
});
