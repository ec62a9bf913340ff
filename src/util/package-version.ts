import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './node-args.ts';

let cached: string | undefined;

/** This rmq-chaos's version, from its package.json (what agents and coordinators compare). */
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
