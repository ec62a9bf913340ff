/**
 * What `k8s render` produces and takes: plain Kubernetes objects (no client library: the
 * objects are data, validated in the tests against the real OpenAPI schemas), the options, and
 * the names and labels every object shares, so `k8s run` can delete exactly what one run made.
 */

/** A Kubernetes object as it goes into a manifest: apiVersion, kind, metadata and the rest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Label selector of the cluster's pods a Chaos Mesh fault acts on (`--pod-selector node=k=v,k=v`). */
export type PodSelectors = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface K8sRenderOptions {
  /** Lowercase DNS label, unique per run: names and the `rmq-chaos/run` label derive from it. */
  runId: string;
  namespace: string;
  /** The rmq-chaos image (Containerfile); its PATH has `rmq-chaos`. */
  image: string;
  toxiproxyImage: string;
  /** The cluster's name servers for the coordinator (`cluster.namesrvAddr`), host:port;host:port. */
  namesrv: string;
  /** The proxy's gRPC endpoint, for grpc fleets. */
  proxy?: string;
  /** The same proxy's remoting port: where the coordinator sees pop (gRPC) groups' clients. */
  proxyRemoting?: string;
  /** Agents to render when the plan declares none (`--agents N`). */
  agents: number;
  /** The shared agent token, put in the Secret only (the caller generates or reads it). */
  token: string;
  /** Where the RocketMQ cluster's pods run (Chaos Mesh selectors); default: `namespace`. */
  clusterNamespace?: string;
  /** Pod labels per cluster node or role name; a node without one gets `rmq-chaos/node: <node>`. */
  podSelectors: PodSelectors;
  /** Leave faults that cannot be rendered out (and list them) instead of failing. */
  skipUnrenderable: boolean;
  /** Keep reports on a PersistentVolumeClaim of this size (e.g. `1Gi`) instead of an emptyDir. */
  reportVolumeSize?: string;
  /** How long the coordinator pod waits for its reports to be copied out after the run, in seconds. */
  reportHoldSeconds: number;
  /** activeDeadlineSeconds of both Jobs. */
  timeoutSeconds: number;
  clusterDomain: string;
}

export const K8S_DEFAULTS = {
  namespace: 'default',
  image: 'rmq-chaos:latest',
  toxiproxyImage: 'ghcr.io/shopify/toxiproxy:2.12.0',
  agents: 2,
  reportHoldSeconds: 3600,
  timeoutSeconds: 3600,
  clusterDomain: 'cluster.local',
} as const;

/** `rmq-chaos agent` listens here (the lead's agent default). */
export const AGENT_PORT = 7420;
/** The Toxiproxy sidecar's HTTP API in each agent pod, on the pod's loopback (sidecar.ts). */
export const TOXIPROXY_API_PORT = 8474;

export const MANAGED_BY = { key: 'app.kubernetes.io/managed-by', value: 'rmq-chaos' } as const;
export const RUN_LABEL = 'rmq-chaos/run';

/** The label selector that finds everything one run created (`k8s run` deletes by it). */
export function runSelector(runId: string): string {
  return `${MANAGED_BY.key}=${MANAGED_BY.value},${RUN_LABEL}=${runId}`;
}

export function labels(runId: string, component: string): Record<string, string> {
  return {
    [MANAGED_BY.key]: MANAGED_BY.value,
    'app.kubernetes.io/name': 'rmq-chaos',
    'app.kubernetes.io/component': component,
    [RUN_LABEL]: runId,
  };
}

/** Object names of one run. The agents' Job name + `-<index>` is each pod's hostname: keep it short. */
export function names(runId: string) {
  return {
    agents: `${runId}-agent`,
    coordinator: `${runId}-coordinator`,
    config: `${runId}-plan`,
    token: `${runId}-token`,
    reports: `${runId}-reports`,
  };
}

/**
 * A run id from the plan name: `rc-<plan, cut to 24>-<suffix>`, a DNS label of at most 36
 * characters, so `<id>-agent-<index>` stays far below the 63 of a hostname.
 */
export function makeRunId(planName: string, suffix: string): string {
  const base = planName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  return `rc-${base || 'plan'}-${suffix}`;
}

/** A Go duration (`1m30s`, `500ms`) as Chaos Mesh's deadlines take it. */
export function goDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${rest > 0 || s === 0 ? `${rest}s` : ''}`;
}
