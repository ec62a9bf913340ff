/**
 * Where each of the plan's faults goes on Kubernetes, decided once per fault:
 *
 * - `coordinator`: faults on fleet instances and fleets (kill, pause, restart, scale, drift of
 *   `billing#1`, `billing`): the coordinator runs them through the agents, as `provider:
 *   external` allows. They stay in the coordinator's plan.
 * - `sidecar`: network faults on links that start at the clients (`producers->broker-X`,
 *   `consumers->broker-X`, `clients->namesrv-N`, `clients->proxy`): they stay in the
 *   coordinator's plan, which sends them to the agents; every worker's traffic goes through the
 *   Toxiproxy sidecar of its agent pod (sidecar.ts), so any Toxiproxy toxic works, per role.
 * - `chaos-mesh`: faults on the cluster's own pods (node kill and restart) and network faults
 *   between nodes (`broker-X->namesrv-N`, HA links): a Chaos Mesh Workflow (chaos-mesh.ts).
 * - `none`: what neither can express, with the reason (an error unless --skip-unrenderable).
 */
import { agentLinkParts } from '../plan/fault-targets.ts';
import type { ResolvedFault, ResolvedPlan } from '../plan/resolved-plan.ts';
import { chaosWorkflow } from './chaos-mesh.ts';
import type { K8sObject, K8sRenderOptions } from './model.ts';

export type FaultRoute =
  | { fault: ResolvedFault; to: 'coordinator' }
  | { fault: ResolvedFault; to: 'sidecar' }
  | { fault: ResolvedFault; to: 'chaos-mesh'; workflow: K8sObject; note?: string }
  | { fault: ResolvedFault; to: 'none'; reason: string };

/** Sources of links that begin in a worker process, so in an agent pod. */
const CLIENT_SIDES = new Set(['producers', 'consumers', 'clients']);

function isFleetTarget(target: string, plan: ResolvedPlan): boolean {
  if (target.includes('#')) return true;
  return [...plan.fleets.producers, ...plan.fleets.consumers].some((f) => f.name === target);
}

/** Every target any occurrence names (random picks are already made). */
function allTargets(fault: ResolvedFault): string[] {
  return [...new Set(fault.occurrences.flatMap((o) => o.targets))];
}

export function routeFault(fault: ResolvedFault, plan: ResolvedPlan, options: K8sRenderOptions): FaultRoute {
  const targets = allTargets(fault);
  if (fault.action.startsWith('network.')) {
    // `agent-2/consumers->broker-a`: one agent's copy of a client link, on that pod's sidecar.
    const clientSide = targets.map((t) => CLIENT_SIDES.has((agentLinkParts(t)?.link ?? t).split('->')[0] ?? ''));
    if (clientSide.every(Boolean)) return { fault, to: 'sidecar' };
    if (clientSide.some(Boolean))
      return {
        fault,
        to: 'none',
        reason: 'its targets mix client links (Toxiproxy sidecar) and links between nodes (Chaos Mesh): split it',
      };
  } else {
    const fleet = targets.map((t) => isFleetTarget(t, plan));
    if (fleet.every(Boolean)) return { fault, to: 'coordinator' };
    if (fleet.some(Boolean))
      return { fault, to: 'none', reason: 'its targets mix fleet instances and cluster nodes: split it' };
  }
  const rendered = chaosWorkflow(fault, plan, options);
  return 'reason' in rendered
    ? { fault, to: 'none', reason: rendered.reason }
    : { fault, to: 'chaos-mesh', ...rendered };
}

export function routeFaults(plan: ResolvedPlan, options: K8sRenderOptions): FaultRoute[] {
  return plan.faults.map((fault) => routeFault(fault, plan, options));
}
