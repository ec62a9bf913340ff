/**
 * `network.slicer`: Toxiproxy's `slicer` toxic, data cut into pieces of about
 * `averageSizeBytes` (± `sizeVariationBytes`) with `delayUs` microseconds between them:
 * exercises the remoting codec's frame reassembly across many small reads.
 */
import { networkSlicerSpec } from '../../plan/fault-specs/network-slicer.ts';
import { toxicAction } from './toxic-fault.ts';

export const networkSlicer = toxicAction(networkSlicerSpec, (p) => ({
  type: 'slicer',
  attributes: {
    average_size: Math.floor(p.averageSizeBytes),
    size_variation: Math.floor(p.sizeVariationBytes),
    delay: Math.round(p.delayUs),
  },
  summary: `slicer ${p.averageSizeBytes}B±${p.sizeVariationBytes}B every ${p.delayUs}us`,
}));
