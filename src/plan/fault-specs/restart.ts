import { z } from 'zod';
import { ms } from '../resolve-values.ts';
import { boolean, duration } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';
import { PROCESS_TARGETS } from './shared.ts';

/** Stop (SIGTERM, or SIGKILL when `hard`), stay stopped `downMs`, start again with the same settings. */
export const restartSpec = defineFault({
  name: 'restart',
  description: 'Stop a node or fleet instance (gracefully, or SIGKILL with hard: true), wait down, start it again.',
  lasts: 'never',
  ...PROCESS_TARGETS,
  insteadOfDuration: 'down sets how long it stays stopped',
  params: {
    hard: param({
      schema: boolean(),
      help: 'Stop with SIGKILL instead of a graceful stop.',
      example: 'hard: true',
      default: false,
    }),
    down: param({
      schema: duration(),
      help: 'How long the process stays stopped before it starts again.',
      example: 'down: 10s',
      default: '0ms',
    }),
  },
  repeatsAfter: { param: 'down', why: 'a restart must finish before the next begins' },
  resolved: z.strictObject({ hard: z.boolean(), downMs: z.number().min(0) }),
  resolve: (p) => ({ hard: p.hard, downMs: ms(p.down) }),
});
