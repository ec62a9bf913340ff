import { z } from 'zod';
import { defineFault } from './fault-spec.ts';
import { LINK_TARGETS } from './shared.ts';

/** The link is disabled (Toxiproxy: proxy disabled) for the duration. */
export const networkDownSpec = defineFault({
  name: 'network.down',
  description: 'Cut the link (Toxiproxy disables it) for the duration.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: {},
  resolved: z.strictObject({}),
  resolve: () => ({}),
});
