import { existsSync } from 'node:fs';
import { cachePaths } from '../../src/setup/cache-dir.ts';

/**
 * Why tests of the real Toxiproxy binary cannot run, or undefined when they can. `npm test`
 * provisions it first; `npm run test:quick` does not, so on a fresh clone they skip saying so.
 */
export function toxiproxySkipReason(): string | undefined {
  return existsSync(cachePaths().toxiproxyServer)
    ? undefined
    : 'skipped: no Toxiproxy binary in the cache yet; `npm test` or `npm run rmq-chaos -- setup` builds it';
}
