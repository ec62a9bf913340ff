import { z } from 'zod';
import { must } from '../resolve-values.ts';
import { bandwidth, integer } from '../schema-primitives.ts';
import { parseBandwidth } from '../units.ts';
import { defineFault, param, type ParamCheck } from './fault-spec.ts';

/** At least a page a second: below it a 4 KiB write would wait longer than any send timeout. */
const MIN_BPS = 4 * 1024;
const LIMITS = ['writeBps', 'writeIops', 'readBps', 'readIops'] as const;

/** A disk.slow without any limit would do nothing: one of them must be there. */
const someLimit: ParamCheck<(typeof LIMITS)[number]> = ({ fault, at, issues }) => {
  if (LIMITS.some((key) => fault[key] !== undefined)) return;
  issues.push({
    path: at(),
    anchor: 'value',
    message: `disk.slow needs a limit: one or more of ${LIMITS.join(', ')}, e.g. writeBps: 1MiB/s`,
  });
};

const bps = (help: string, example: string) => param({ schema: bandwidth({ min: MIN_BPS }), help, example });
const iops = (help: string, example: string) => param({ schema: integer(1), help, example });

/**
 * Throttle the block device a broker's store sits on (a loop device of its own, see
 * runtime/loop-store.ts and runtime/blkio-throttle.ts) for the duration, then lift the limits.
 * Writes slow the broker's flushes: with flushDiskType SYNC_FLUSH every send waits for one.
 */
export const diskSlowSpec = defineFault({
  name: 'disk.slow',
  description:
    "Throttle the device a broker's store sits on (bytes or operations per second) for the duration; " +
    'the store is an ext4 image on a loop device of cluster.storeSize.',
  lasts: 'always',
  targets: ['node'],
  targetsPhrase: 'brokers',
  params: {
    writeBps: bps('Write bandwidth of the store device, e.g. 1MiB/s (at least 4KiB/s).', 'writeBps: 1MiB/s'),
    writeIops: iops('Write operations per second on the store device, e.g. 50.', 'writeIops: 50'),
    readBps: bps('Read bandwidth of the store device, e.g. 1MiB/s (at least 4KiB/s).', 'readBps: 1MiB/s'),
    readIops: iops('Read operations per second on the store device, e.g. 50.', 'readIops: 50'),
  },
  checks: [someLimit],
  resolved: z.strictObject({
    writeBps: z.number().positive().optional(),
    writeIops: z.number().int().positive().optional(),
    readBps: z.number().positive().optional(),
    readIops: z.number().int().positive().optional(),
  }),
  resolve: (p) => ({
    ...(p.writeBps !== undefined ? { writeBps: must(parseBandwidth(p.writeBps), 'bandwidth') } : {}),
    ...(p.writeIops !== undefined ? { writeIops: p.writeIops } : {}),
    ...(p.readBps !== undefined ? { readBps: must(parseBandwidth(p.readBps), 'bandwidth') } : {}),
    ...(p.readIops !== undefined ? { readIops: p.readIops } : {}),
  }),
});
