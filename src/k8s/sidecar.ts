/**
 * The Toxiproxy sidecar of each agent pod, and its contract with the agent and the coordinator
 * (the agent side is the lead's `rmq-chaos agent`; this is what the manifests promise it):
 *
 * 1. Each agent pod runs Toxiproxy beside the agent, its API on 0.0.0.0:8474 (TOXIPROXY_API_PORT,
 *    port name `toxiproxy`), reachable from the coordinator at `<agent host>:8474`.
 * 2. The coordinator reads `/etc/rmq-chaos/network-faults.yaml` (`--agent-network <file>`):
 *    `links` lists every client link to proxy, each with its listener `127.0.0.1:<20000+k>`, and
 *    `faults` the plan's own entries for those links, verbatim (same syntax, same seed).
 * 3. Before load, for every agent and link, the coordinator creates the proxy `<link>` on that
 *    agent's sidecar (listen as given; upstream: the broker's address from the name server's
 *    route data for `producers->X` / `consumers->X`, the n-th address of `namesrvAddr` for
 *    `clients->namesrv-n`, `proxyAddr` for `clients->proxy`).
 * 4. Workers on that agent dial the listeners, not the nodes: producers get a brokerAddressMap
 *    `<broker address> → 127.0.0.1:<producers->X port>`, consumers `→ <consumers->X port>` (the
 *    remoting driver already rewrites broker addresses this way locally), the name server list
 *    and the proxy endpoint likewise. The loopback listener is pod-local: only that pod's workers
 *    can use it, and every worker of a pod shares its agent's sidecar.
 * 5. The coordinator applies each fault's toxics on every agent's sidecar at the fault's time and
 *    records it in faults[] as it does locally, and removes them at the end however it ends.
 */
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { type K8sRenderOptions, SIDECAR_LISTENER_BASE, TOXIPROXY_API_PORT } from './model.ts';

export interface SidecarLink {
  name: string;
  listen: string;
}

/** Client links of the plan's (original) cluster shape, in a fixed order that gives their ports. */
export function clientLinks(plan: ResolvedPlan): SidecarLink[] {
  const names = [
    ...plan.cluster.brokerNames.flatMap((b) => [`producers->${b}`, `consumers->${b}`]),
    ...Array.from({ length: Math.max(1, plan.cluster.namesrv) }, (_, n) => `clients->namesrv-${n}`),
    ...(plan.cluster.proxy || plan.cluster.proxyAddr !== undefined ? ['clients->proxy'] : []),
  ];
  return names.map((name, k) => ({ name, listen: `127.0.0.1:${SIDECAR_LISTENER_BASE + k}` }));
}

/** The file the coordinator reads with `--agent-network`. */
export function networkFaultsFile(plan: ResolvedPlan, rawFaults: readonly unknown[]): Record<string, unknown> {
  return {
    version: 1,
    toxiproxyApiPort: TOXIPROXY_API_PORT,
    links: clientLinks(plan),
    faults: rawFaults,
  };
}

export function sidecarContainer(options: K8sRenderOptions): Record<string, unknown> {
  return {
    name: 'toxiproxy',
    image: options.toxiproxyImage,
    args: ['-host=0.0.0.0', `-port=${TOXIPROXY_API_PORT}`],
    ports: [{ name: 'toxiproxy', containerPort: TOXIPROXY_API_PORT, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  };
}
