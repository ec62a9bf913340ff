/**
 * The agents: one Indexed Job (completion index i runs agent i of the plan's list, so the i-th
 * `--agents` address is `<job>-<i>.<service>`: Indexed Job pods get the hostname `<job>-<i>`,
 * and `subdomain` plus a headless Service of that name gives it DNS), each agent started with
 * `--once` so that the Job completes when the coordinator's session ends, and with
 * `--toxiproxy` when its pod has the Toxiproxy sidecar (sidecar.ts).
 */
import { type K8sObject, type K8sRenderOptions, AGENT_PORT, labels, names } from './model.ts';
import type { RenderedAgent } from './coordinator-plan.ts';
import { SIDECAR_API_URL, sidecarContainer } from './sidecar.ts';

export const TOKEN_KEY = 'token';
export const TOKEN_ENV = 'RMQ_CHAOS_AGENT_TOKEN';

function cores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/**
 * One pod template serves every index, so its resources are the largest any agent asks for
 * (each agent gets at least its own); undefined when no agent names any.
 */
export function agentResources(agents: readonly RenderedAgent[]): Record<string, unknown> | undefined {
  const cpus = agents.flatMap((a) => (a.resources.cpu === undefined ? [] : [a.resources.cpu]));
  const memory = Math.max(0, ...agents.map((a) => a.resources.memoryBytes ?? 0));
  const cpu = cpus.sort((a, b) => cores(b) - cores(a))[0];
  const mebibytes = memory > 0 ? `${Math.ceil(memory / 1024 ** 2)}Mi` : undefined;
  if (cpu === undefined && mebibytes === undefined) return undefined;
  return {
    requests: { ...(cpu ? { cpu } : {}), ...(mebibytes ? { memory: mebibytes } : {}) },
    // No CPU limit: throttling a load generator distorts its latencies; memory is capped to what it asked.
    ...(mebibytes ? { limits: { memory: mebibytes } } : {}),
  };
}

export function tokenEnv(options: K8sRenderOptions): Record<string, unknown> {
  return { name: TOKEN_ENV, valueFrom: { secretKeyRef: { name: names(options.runId).token, key: TOKEN_KEY } } };
}

/**
 * The agent's command: its name and capacity picked from lists by the pod's completion index,
 * its client links on the pod's sidecar when it has one.
 */
function agentScript(sidecar: boolean): string {
  return [
    'set -eu',
    'set -- $AGENT_NAMES; shift "$JOB_COMPLETION_INDEX"; name=$1',
    'set -- $AGENT_CAPACITIES; shift "$JOB_COMPLETION_INDEX"; capacity=$1',
    `exec rmq-chaos agent --listen 0.0.0.0:${AGENT_PORT} --name "$name" --capacity "$capacity" --once` +
      (sidecar ? ` --toxiproxy ${SIDECAR_API_URL}` : ''),
  ].join('\n');
}

export function agentObjects(
  agents: readonly RenderedAgent[],
  sidecar: boolean,
  options: K8sRenderOptions,
): K8sObject[] {
  const n = names(options.runId);
  const podLabels = labels(options.runId, 'agent');
  const resources = agentResources(agents);
  const service: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: n.agents, namespace: options.namespace, labels: podLabels },
    spec: {
      clusterIP: 'None',
      // The coordinator dials agents as soon as their names resolve; readiness is its own retry.
      publishNotReadyAddresses: true,
      selector: { 'rmq-chaos/run': options.runId, 'app.kubernetes.io/component': 'agent' },
      ports: [{ name: 'agent', port: AGENT_PORT, targetPort: AGENT_PORT, protocol: 'TCP' }],
    },
  };
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: n.agents, namespace: options.namespace, labels: podLabels },
    spec: {
      completionMode: 'Indexed',
      completions: agents.length,
      parallelism: agents.length,
      // A retried agent would join a session that has moved on: one try, the coordinator judges.
      backoffLimit: 0,
      activeDeadlineSeconds: options.timeoutSeconds,
      template: {
        metadata: { labels: podLabels },
        spec: {
          subdomain: n.agents,
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          // A native sidecar (an init container that keeps running): it is up before the agent
          // starts, and stopped when the agent exits, so the pod completes with the agent and
          // the Job with its pods. As a plain container it would keep every pod running.
          ...(sidecar ? { initContainers: [{ ...sidecarContainer(options), restartPolicy: 'Always' }] } : {}),
          containers: [
            {
              name: 'agent',
              image: options.image,
              command: ['sh', '-c', agentScript(sidecar)],
              env: [
                { name: 'AGENT_NAMES', value: agents.map((a) => a.name).join(' ') },
                { name: 'AGENT_CAPACITIES', value: agents.map((a) => String(a.capacity)).join(' ') },
                tokenEnv(options),
              ],
              ports: [{ name: 'agent', containerPort: AGENT_PORT, protocol: 'TCP' }],
              ...(resources ? { resources } : {}),
            },
          ],
        },
      },
    },
  };
  return [service, job];
}
