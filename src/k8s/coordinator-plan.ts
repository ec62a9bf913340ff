/**
 * The plan the coordinator runs in the cluster: the user's plan (after --set) with its cluster
 * section replaced by `provider: external` (the keys that describe a cluster rmq-chaos would
 * start are refused there), its agents at their in-cluster DNS names, and only the faults the
 * coordinator runs itself: fleet faults, and faults on client links (through the agents, on
 * their pods' Toxiproxy sidecars: sidecar.ts); the others went to Chaos Mesh.
 * It is checked with the same loader `run` uses, so a plan that would not start is an error
 * here, at render time, not in the pod.
 */
import { stringify } from 'yaml';
import { PLAN_DEFAULTS } from '../plan/defaults.ts';
import { loadPlanText } from '../plan/load-plan.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { AGENT_PORT, type K8sRenderOptions, names } from './model.ts';

export interface RenderedAgent {
  name: string;
  /** The coordinator dials this: `<job>-<index>.<service>.<namespace>.svc.<domain>:7420`. */
  address: string;
  capacity: number;
  resources: { cpu?: string; memoryBytes?: number };
}

/** The plan's agents (in order: index i is Job completion index i), or `--agents N` fresh ones. */
export function renderedAgents(plan: ResolvedPlan, options: K8sRenderOptions): RenderedAgent[] {
  const n = names(options.runId);
  const address = (i: number) =>
    `${n.agents}-${i}.${n.agents}.${options.namespace}.svc.${options.clusterDomain}:${AGENT_PORT}`;
  if (plan.agents.length > 0)
    return plan.agents.map((a, i) => ({
      name: a.name,
      address: address(i),
      capacity: a.capacity,
      resources: a.resources,
    }));
  return Array.from({ length: options.agents }, (_, i) => ({
    name: `agent-${i + 1}`,
    address: address(i),
    capacity: PLAN_DEFAULTS.agent.capacity,
    resources: {},
  }));
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function coordinatorPlan(
  raw: Record<string, unknown>,
  agents: readonly RenderedAgent[],
  keptFaults: readonly number[],
  options: K8sRenderOptions,
): Record<string, unknown> {
  const rawAgents = Array.isArray(raw.agents) ? raw.agents : [];
  const { faults: _faults, agents: _agents, cluster, ...rest } = raw;
  const proxyAddr = options.proxy ?? record(cluster).proxyAddr;
  const proxyRemotingAddr = options.proxyRemoting ?? record(cluster).proxyRemotingAddr;
  const faults = (Array.isArray(raw.faults) ? raw.faults : []).filter((_, i) => keptFaults.includes(i));
  return {
    ...rest,
    cluster: {
      provider: 'external',
      namesrvAddr: options.namesrv,
      ...(typeof proxyAddr === 'string' ? { proxyAddr } : {}),
      // Without it the coordinator cannot see a pop group's clients (the brokers list none).
      ...(typeof proxyAddr === 'string' && typeof proxyRemotingAddr === 'string' ? { proxyRemotingAddr } : {}),
    },
    agents: agents.map((a, i) => ({ ...record(rawAgents[i]), name: a.name, address: a.address })),
    ...(faults.length > 0 ? { faults } : {}),
  };
}

export const RENDERED_PLAN_FILE = 'plan.yaml';

/** YAML text of the coordinator's plan, validated as `run` will validate it (PlanError, exit 2). */
export function coordinatorPlanText(plan: ResolvedPlan, data: Record<string, unknown>): string {
  const text =
    `# Rendered by rmq-chaos k8s render from ${plan.source.file}` +
    `${plan.source.sets.length > 0 ? ` with --set ${plan.source.sets.join(' --set ')}` : ''}: ` +
    'provider external, agents in the cluster, fleet and client-link faults only.\n' +
    stringify(data, { lineWidth: 0 });
  loadPlanText(text, `${RENDERED_PLAN_FILE} (rendered from ${plan.source.file})`);
  return text;
}
