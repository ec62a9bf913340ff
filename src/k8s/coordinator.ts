/**
 * The coordinator: a Job running `rmq-chaos run` on the rendered plan (a ConfigMap) against
 * the cluster (`provider: external`) with the agents' DNS names, the token from a Secret. Its
 * report folder is a volume shared with a second container, `reports`, that only waits: a
 * finished container cannot be copied from, so the pod stays up until `kubectl cp` is done and
 * `/reports/.fetched` exists (or `reportHoldSeconds` pass). The coordinator's own exit code is
 * its container's (0, 99, 2, 1), which `k8s run` reads from the pod's status. Faults on client
 * links need nothing here: the coordinator sends them to the agents (sidecar.ts).
 */
import { type K8sObject, type K8sRenderOptions, labels, names } from './model.ts';
import { TOKEN_KEY, tokenEnv } from './agents.ts';
import type { RenderedAgent } from './coordinator-plan.ts';
import { RENDERED_PLAN_FILE } from './coordinator-plan.ts';

export const CONFIG_DIR = '/etc/rmq-chaos';
export const REPORTS_DIR = '/reports';
export const FETCHED_MARK = `${REPORTS_DIR}/.fetched`;

export function coordinatorArgs(agents: readonly RenderedAgent[]): string[] {
  return [
    'run',
    `${CONFIG_DIR}/${RENDERED_PLAN_FILE}`,
    '--agents',
    agents.map((a) => a.address).join(','),
    '--reports',
    REPORTS_DIR,
    // The agents' pods start when they start: the coordinator keeps trying them this long.
    '--agent-wait',
    '5m',
  ];
}

export function coordinatorObjects(
  agents: readonly RenderedAgent[],
  planText: string,
  options: K8sRenderOptions,
): K8sObject[] {
  const n = names(options.runId);
  const secret: K8sObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: n.token, namespace: options.namespace, labels: labels(options.runId, 'token') },
    type: 'Opaque',
    stringData: { [TOKEN_KEY]: options.token },
  };
  const config: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: n.config, namespace: options.namespace, labels: labels(options.runId, 'plan') },
    data: { [RENDERED_PLAN_FILE]: planText },
  };
  const pvc: K8sObject | undefined = options.reportVolumeSize
    ? {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: n.reports, namespace: options.namespace, labels: labels(options.runId, 'reports') },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: options.reportVolumeSize } } },
      }
    : undefined;
  const reportsMount = { name: 'reports', mountPath: REPORTS_DIR };
  const hold =
    `i=0; while [ ! -e ${FETCHED_MARK} ] && [ "$i" -lt ${options.reportHoldSeconds} ]; ` +
    'do sleep 1; i=$((i+1)); done';
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: n.coordinator, namespace: options.namespace, labels: labels(options.runId, 'coordinator') },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.timeoutSeconds + options.reportHoldSeconds,
      template: {
        metadata: { labels: labels(options.runId, 'coordinator') },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'coordinator',
              image: options.image,
              command: ['rmq-chaos'],
              args: coordinatorArgs(agents),
              env: [tokenEnv(options)],
              volumeMounts: [reportsMount, { name: 'plan', mountPath: CONFIG_DIR, readOnly: true }],
              resources: { requests: { cpu: '1', memory: '1Gi' } },
            },
            {
              name: 'reports',
              image: options.image,
              command: ['sh', '-c', hold],
              volumeMounts: [reportsMount],
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
          volumes: [
            pvc
              ? { name: 'reports', persistentVolumeClaim: { claimName: n.reports } }
              : { name: 'reports', emptyDir: {} },
            { name: 'plan', configMap: { name: n.config } },
          ],
        },
      },
    },
  };
  return [secret, config, ...(pvc ? [pvc] : []), job];
}
