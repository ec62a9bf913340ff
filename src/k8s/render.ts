/**
 * `k8s render`: a ResolvedPlan (and the plan's data, to rewrite it) plus options → the
 * manifests, as plain objects grouped in files applied in name order. Pure: the token and the
 * run id come in with the options, nothing is read or written here.
 */
import { stringify } from 'yaml';
import { HarnessError, ExitCode, UsageError } from '../util/errors.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { agentObjects } from './agents.ts';
import { coordinatorObjects } from './coordinator.ts';
import { coordinatorPlan, coordinatorPlanText, renderedAgents, type RenderedAgent } from './coordinator-plan.ts';
import { routeFaults, type FaultRoute } from './fault-routing.ts';
import type { K8sObject, K8sRenderOptions } from './model.ts';

export interface ManifestFile {
  /** `00-secret.yaml`, ...: `kubectl apply -f <dir>` applies them in this order. */
  name: string;
  objects: K8sObject[];
}

export interface RenderResult {
  files: ManifestFile[];
  agents: RenderedAgent[];
  routes: FaultRoute[];
  /** Faults left out under --skip-unrenderable, with why. */
  skipped: { fault: string; reason: string }[];
  /** Approximations worth a line on the console. */
  notes: string[];
}

/** Faults that cannot be rendered; exit 2, each named with why. */
export class UnrenderableFaultsError extends HarnessError {
  constructor(readonly faults: { fault: string; reason: string }[]) {
    super(
      'k8s-unrenderable',
      `${faults.length} fault${faults.length === 1 ? '' : 's'} cannot be rendered for Kubernetes:\n` +
        faults.map((f) => `  ${f.fault}: ${f.reason}`).join('\n'),
      ExitCode.usage,
      'change or remove them, or pass --skip-unrenderable to render the plan without them',
    );
  }
}

export function renderK8s(plan: ResolvedPlan, raw: Record<string, unknown>, options: K8sRenderOptions): RenderResult {
  // The coordinator in the cluster runs against an existing RocketMQ (provider external); the
  // users of cluster.acl are created on brokers rmq-chaos starts, and their secrets would have
  // to travel in the manifests.
  if (plan.cluster.acl)
    throw new UsageError(
      `${plan.source.file}: k8s render does not take cluster.acl (users are created on brokers rmq-chaos starts ` +
        'itself, provider local)',
      "run the plan with `rmq-chaos run`, or remove cluster.acl and the fleets' credentials to render it",
    );
  const routes = routeFaults(plan, options);
  const skipped = routes.flatMap((r) => (r.to === 'none' ? [{ fault: r.fault.name, reason: r.reason }] : []));
  if (skipped.length > 0 && !options.skipUnrenderable) throw new UnrenderableFaultsError(skipped);
  // Client-link faults stay in the plan too: the coordinator sends them to the agents (sidecar.ts).
  const sidecar = routes.some((r) => r.to === 'sidecar');
  const kept = routes.flatMap((r, i) => (r.to === 'coordinator' || r.to === 'sidecar' ? [i] : []));
  const agents = renderedAgents(plan, options);
  const planText = coordinatorPlanText(plan, coordinatorPlan(raw, agents, kept, options));
  const [secret, config, ...coordinatorRest] = coordinatorObjects(agents, planText, options);
  const workflows = routes.flatMap((r) => (r.to === 'chaos-mesh' ? [r.workflow] : []));
  const files: ManifestFile[] = [
    { name: '00-secret.yaml', objects: [secret as K8sObject] },
    { name: '10-plan.yaml', objects: [config as K8sObject] },
    { name: '20-agents.yaml', objects: agentObjects(agents, sidecar, options) },
    { name: '30-coordinator.yaml', objects: coordinatorRest },
    ...(workflows.length > 0 ? [{ name: '40-faults.yaml', objects: workflows }] : []),
  ];
  const notes = routes.flatMap((r) => (r.to === 'chaos-mesh' && r.note ? [r.note] : []));
  if (plan.agents.length > 1 && new Set(plan.agents.map((a) => JSON.stringify(a.resources))).size > 1)
    notes.push('agents ask for different resources; one pod template serves all: each gets the largest of each');
  return { files, agents, routes, skipped, notes };
}

/** A file's text: its objects as YAML documents. */
export function manifestText(file: ManifestFile): string {
  return file.objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
