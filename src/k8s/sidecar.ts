/**
 * The Toxiproxy sidecar of each agent pod, and its contract with the agent and the coordinator
 * (their side is `rmq-chaos agent --toxiproxy` and `run`; this is what the manifests promise):
 *
 * 1. Rendered only when the plan faults a client link (`producers->X`, `consumers->X`,
 *    `clients->namesrv-N`, `clients->proxy`): then every agent pod runs Toxiproxy as a
 *    native sidecar (an init container with restartPolicy Always: up before the agent, stopped
 *    when it exits, so the pod and the Job complete), its API on 127.0.0.1:8474
 *    (TOXIPROXY_API_PORT) only. It is pod-local: no container
 *    port, no Service port; nothing outside the pod talks to it.
 * 2. The agent is started with `--toxiproxy http://127.0.0.1:8474` and creates its client links
 *    there (without the flag it would start a Toxiproxy of its own from the setup cache, which
 *    the image does not carry).
 * 3. Those faults stay in the coordinator's plan (`provider: external`, agents declared, every
 *    fleet on agents). The coordinator derives the links from the plan and the cluster (per
 *    broker `producers->X` and `consumers->X`, `clients->namesrv-N` per name server address,
 *    `clients->proxy` with a proxy) and sends them to each agent over the agent protocol.
 * 4. The agent creates one proxy per link on its sidecar, listening on the pod's loopback, and
 *    rewrites the addresses in the configs of the workers it starts to those listeners: only
 *    that pod's workers go through them.
 * 5. At each fault's time the coordinator tells every agent to apply the fault's toxics, and to
 *    remove them; it never calls a sidecar's API itself, and records the faults as locally.
 */
import { type K8sRenderOptions, TOXIPROXY_API_PORT } from './model.ts';

/** What the agent's `--toxiproxy` points at: the sidecar's API on the pod's loopback. */
export const SIDECAR_API_URL = `http://127.0.0.1:${TOXIPROXY_API_PORT}`;

export function sidecarContainer(options: K8sRenderOptions): Record<string, unknown> {
  return {
    name: 'toxiproxy',
    image: options.toxiproxyImage,
    args: ['-host=127.0.0.1', `-port=${TOXIPROXY_API_PORT}`],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  };
}
