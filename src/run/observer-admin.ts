import type { ClusterEndpoints } from '../cluster/provider.ts';
import { RemotingAdmin } from '../protocol/index.ts';
import { signedBy } from '../cluster/acl.ts';

/**
 * An admin client for the harness's own observers (sampler, group observer): it goes around
 * Toxiproxy when the cluster has one, because a fault on a client link must not blind them.
 */
export function observerAdmin(
  endpoints: ClusterEndpoints,
  instanceName: string,
  requestTimeoutMs: number,
): RemotingAdmin {
  const direct = endpoints.direct;
  return RemotingAdmin.create({
    namesrvAddr: direct?.namesrvAddr ?? endpoints.namesrvAddr,
    ...(direct ? { brokerAddressMap: direct.brokerAddressMap } : {}),
    instanceName,
    requestTimeoutMs,
    ...signedBy(endpoints),
  });
}
