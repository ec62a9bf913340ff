import { join } from 'node:path';

/** The CLI entry point, run as users run it (node bin/rmq-chaos.js). */
export const BIN = join(import.meta.dirname, '../../bin/rmq-chaos.js');
