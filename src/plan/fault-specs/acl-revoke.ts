import { z } from 'zod';
import { ACL_RESOURCE } from '../schema-acl.ts';
import { patterned } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';

/**
 * Take one of a `cluster.acl` user's permissions away on every broker (ACL 2.0: its policy
 * entry for the resource is deleted); with a duration it is given back at the end. Requests
 * that needed it are refused with NO_PERMISSION while it lasts, and counted by error.
 */
export const aclRevokeSpec = defineFault({
  name: 'acl.revoke',
  description:
    "Revoke a cluster.acl user's permission on a resource on every broker; with a duration it is given back at " +
    'the end.',
  lasts: 'optional',
  targets: ['acl-user'],
  targetsPhrase: 'cluster.acl users',
  params: {
    resource: param({
      schema: patterned(ACL_RESOURCE, 'a resource of the user\'s allow list such as "Topic:orders"'),
      help: "The resource whose permission is revoked, as written in the user's allow list.",
      example: 'resource: Topic:orders',
    }),
  },
  required: ['resource'],
  resolved: z.strictObject({ resource: z.string() }),
  resolve: (p) => ({ resource: p.resource }),
});
