import { z } from 'zod';
import { must } from '../resolve-values.ts';
import { bandwidth } from '../schema-primitives.ts';
import { parseBandwidth } from '../units.ts';
import { defineFault, param } from './fault-spec.ts';
import { LINK_TARGETS, STREAM, streamSchema, toxicRuntime } from './shared.ts';

/** Toxiproxy's bandwidth unit is KB/s (1000 bytes per second): rounded down, and at least 1. */
export function toxiproxyKBps(bytesPerSecond: number): number {
  return Math.max(1, Math.floor(bytesPerSecond / 1000));
}

/** Toxiproxy `bandwidth`: at most `rateKBps` KB/s (1 KB = 1000 bytes; the plan's size rounded down, at least 1). */
export const networkBandwidthSpec = defineFault({
  name: 'network.bandwidth',
  description: 'Limit the link to rate, a size per second such as 100KiB/s.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: {
    rate: param({
      schema: bandwidth({ min: 0, minExclusive: true }),
      help: 'Bandwidth limit, a size per second such as 100KiB/s (Toxiproxy counts whole KB/s, at least 1).',
      example: 'rate: 100KiB/s',
    }),
    stream: STREAM,
  },
  required: ['rate'],
  resolved: z.strictObject({ rateKBps: z.number().positive(), stream: streamSchema }),
  runtimeOnly: toxicRuntime,
  resolve: (p) => ({ rateKBps: toxiproxyKBps(must(parseBandwidth(p.rate), 'bandwidth')), stream: p.stream }),
});
