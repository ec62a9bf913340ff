import type { ClusterSpec } from '../cluster/provider.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';

/** `auth`: the super user brokers start with when the plan has cluster.acl (drawn per run by the caller). */
export function clusterSpecOf(plan: ResolvedPlan, auth?: ClusterSpec['auth']): ClusterSpec {
  const c = plan.cluster;
  return {
    clusterName: 'rmq-chaos',
    version: c.version,
    ha: c.ha,
    standaloneControllers: c.controllers,
    namesrv: c.namesrv,
    brokers: c.brokers,
    slavesPerMaster: c.slavesPerMaster,
    proxy: c.proxy,
    heapBytes: c.heapBytes,
    brokerConfig: c.brokerConfig,
    namesrvConfig: c.namesrvConfig,
    ...(c.advertise ? { advertise: c.advertise } : {}),
    ...(c.namesrvAddr ? { namesrvAddr: c.namesrvAddr } : {}),
    ...(c.proxyAddr ? { proxyAddr: c.proxyAddr } : {}),
    ...(c.proxyRemotingAddr ? { proxyRemotingAddr: c.proxyRemotingAddr } : {}),
    ...(c.images ? { images: c.images } : {}),
    ...(c.storeBytes !== undefined ? { storeBytes: c.storeBytes } : {}),
    ...(c.storeOn ? { storeOn: c.storeOn } : {}),
    ...(auth ? { auth } : {}),
  };
}
