import { aclRevokeSpec } from '../../plan/fault-specs/acl-revoke.ts';
import { UsageError } from '../../util/errors.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { onceHandle } from './once-handle.ts';

/**
 * Deletes a cluster.acl user's Allow entry for one resource on every broker; the end puts it
 * back. The brokers' ACL cache is invalidated on every change (LocalAuthorizationMetadataProvider),
 * so the next request is judged by the new ACL.
 */
export const aclRevokeAction: FaultImplementation<typeof aclRevokeSpec> = {
  spec: aclRevokeSpec,
  async begin(target, params, context) {
    const acl = context.acl;
    if (!acl?.users().includes(target))
      throw new UsageError(`acl.revoke: ${target} is not a cluster.acl user of this run`);
    const begunAt = Date.now();
    const { restore } = await acl.revoke(target, params.resource);
    context.log(`acl: revoked ${target}'s permission on ${params.resource}`);
    return onceHandle(
      { begunAt, detail: `revoked ${target}'s permission on ${params.resource} on every broker` },
      async () => {
        await restore();
        context.log(`acl: gave ${target} its permission on ${params.resource} back`);
      },
      context.log,
    );
  },
};
