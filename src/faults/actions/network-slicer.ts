/**
 * `network.slicer`: Toxiproxy's `slicer` toxic, data cut into pieces of about
 * `averageSizeBytes` (± `sizeVariationBytes`) with `delayUs` microseconds between them:
 * exercises the remoting codec's frame reassembly across many small reads.
 */
import { z } from 'zod';
import { toxicAction, toxicShape } from './toxic-fault.ts';

export const networkSlicerParams = z.strictObject({
  ...toxicShape,
  averageSizeBytes: z.number().min(1),
  sizeVariationBytes: z.number().min(0).default(0),
  delayUs: z.number().min(0).default(0),
});

export const networkSlicer = toxicAction('network.slicer', networkSlicerParams, (p) => ({
  type: 'slicer',
  attributes: {
    average_size: Math.floor(p.averageSizeBytes),
    size_variation: Math.floor(p.sizeVariationBytes),
    delay: Math.round(p.delayUs),
  },
  summary: `slicer ${p.averageSizeBytes}B±${p.sizeVariationBytes}B every ${p.delayUs}us`,
}));
