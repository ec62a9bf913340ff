import { z } from 'zod';
import { bytes } from '../resolve-values.ts';
import { size } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';
import { LINK_TARGETS, STREAM, streamSchema, toxicRuntime } from './shared.ts';

/** Toxiproxy `limit_data`: a connection is closed after `bytes` bytes. */
export const networkLimitDataSpec = defineFault({
  name: 'network.limit_data',
  description: 'Close a connection on the link after it carried bytes.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: {
    bytes: param({ schema: size(), help: 'Data a connection may carry before it is closed.', example: 'bytes: 64KiB' }),
    stream: STREAM,
  },
  required: ['bytes'],
  resolved: z.strictObject({ bytes: z.number().min(0), stream: streamSchema }),
  runtimeOnly: toxicRuntime,
  resolve: (p) => ({ bytes: bytes(p.bytes), stream: p.stream }),
});
