import { z } from 'zod';
import { bytes, ms } from '../resolve-values.ts';
import { duration, size } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';
import { SIZES, lessThan } from './param-checks.ts';
import { LINK_TARGETS, STREAM, streamSchema, toxicRuntime } from './shared.ts';

/** Toxiproxy `slicer`: data is cut into pieces of `averageSizeBytes` ± `sizeVariationBytes`, `delayUs` apart. */
export const networkSlicerSpec = defineFault({
  name: 'network.slicer',
  description: 'Cut data into pieces of averageSize ± sizeVariation, delay apart.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: {
    averageSize: param({
      schema: size({ min: 1 }),
      help: 'Average size of the pieces data is cut into.',
      example: 'averageSize: 1KiB',
    }),
    sizeVariation: param({
      schema: size(),
      help: 'Random variation of the piece size; less than averageSize.',
      example: 'sizeVariation: 256B',
      default: '0B',
    }),
    delay: param({ schema: duration(), help: 'Pause between pieces.', example: 'delay: 1ms', default: '0ms' }),
    stream: STREAM,
  },
  required: ['averageSize'],
  checks: [
    lessThan('sizeVariation', 'averageSize', SIZES, 'pieces are averageSize ± sizeVariation and cannot be empty'),
  ],
  resolved: z.strictObject({
    averageSizeBytes: z.number().min(1),
    sizeVariationBytes: z.number().min(0).default(0),
    delayUs: z.number().min(0).default(0),
    stream: streamSchema,
  }),
  runtimeOnly: toxicRuntime,
  resolve: (p) => ({
    averageSizeBytes: bytes(p.averageSize),
    sizeVariationBytes: bytes(p.sizeVariation),
    // Toxiproxy takes the slicer's delay in microseconds.
    delayUs: Math.round(ms(p.delay) * 1000),
    stream: p.stream,
  }),
});
