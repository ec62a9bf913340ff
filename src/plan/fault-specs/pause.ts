import { z } from 'zod';
import { defineFault } from './fault-spec.ts';
import { PROCESS_TARGETS } from './shared.ts';

/** SIGSTOP for the duration, then SIGCONT. */
export const pauseSpec = defineFault({
  name: 'pause',
  description: 'SIGSTOP a node or a fleet instance for the duration, then SIGCONT.',
  lasts: 'always',
  ...PROCESS_TARGETS,
  params: {},
  resolved: z.strictObject({}),
  resolve: () => ({}),
});
