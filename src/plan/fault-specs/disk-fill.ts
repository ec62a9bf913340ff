import { z } from 'zod';
import { fraction } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';

/**
 * Fill a broker's store filesystem (a bounded tmpfs, `cluster.storeSize`) to a ratio with one
 * file, for the duration; the end deletes it. Past the store's diskSpaceWarningLevelRatio (90%)
 * the broker marks the disk full and refuses writes, first checked 60 s after it boots and
 * then every cleanResourceInterval (10 s by default).
 */
export const diskFillSpec = defineFault({
  name: 'disk.fill',
  description:
    "Fill a broker's store filesystem to a ratio for the duration, then free it (the store is a tmpfs of " +
    'cluster.storeSize).',
  lasts: 'always',
  targets: ['node'],
  targetsPhrase: 'brokers',
  params: {
    ratio: param({
      schema: fraction({ minExclusive: true }),
      help:
        "Share of the store filesystem used once filled (what the broker's disk check reads), e.g. 0.95; its " +
        'diskSpaceWarningLevelRatio is 0.90.',
      example: 'ratio: 0.95',
    }),
  },
  required: ['ratio'],
  resolved: z.strictObject({ ratio: z.number().gt(0).max(1) }),
  resolve: (p) => ({ ratio: p.ratio }),
});
