/**
 * A fault on the cluster's own pods as a Chaos Mesh Workflow: one Serial workflow per fault
 * that waits (Suspend) until each occurrence's time and then runs its chaos for the occurrence's
 * length (the template's `deadline`, after which Chaos Mesh recovers it). The wait counts from
 * when the Workflow is created: `k8s run` creates it when the coordinator's log shows the
 * fault's phase begin (label `rmq-chaos/phase`), so `at` means what it means in the plan.
 *
 * What maps (and what cannot, returned as a reason):
 * - kill of a node: PodChaos pod-failure until the planned end of the run (the container runs a
 *   pause image, so the broker is down and stays down, as after SIGKILL);
 * - restart hard: pod-failure for `down`, then Kubernetes starts the container again on the
 *   same volume; restart graceful: pod-kill (SIGTERM, the pod's grace period), `down` is the
 *   controller's, not the plan's (a note says so);
 * - pause of a node: not rendered, Chaos Mesh has no SIGSTOP for pods;
 * - network down, flap (no jitter), latency, bandwidth between nodes: NetworkChaos partition,
 *   delay, bandwidth; timeout, reset_peer, slicer, limit_data have no NetworkChaos equivalent;
 * - role targets (`broker-a@master`) move at run time: rendered only with a --pod-selector for
 *   that exact name (an operator that labels the master pod).
 */
import type { ResolvedFault, ResolvedFaultOccurrence, ResolvedPlan } from '../plan/resolved-plan.ts';
import { type K8sObject, type K8sRenderOptions, goDuration, labels } from './model.ts';

type Template = Record<string, unknown> & { name: string };
type Chaos = { kind: 'NetworkChaos' | 'PodChaos'; spec: Record<string, unknown> };
export type ChaosWorkflow = { workflow: K8sObject; note?: string } | { reason: string };

const PHASE_ORDER = ['warmup', 'load', 'chaos', 'heal', 'drain'] as const;

/** Planned time from the start of `phase` to the end of the run. */
function plannedFrom(plan: ResolvedPlan, phase: ResolvedFault['phase']): number {
  const lengths = [plan.phases.warmupMs, plan.phases.loadMs, plan.phases.chaosMs, plan.phases.healMs];
  const all = [...lengths, plan.phases.drainMs];
  return all.slice(PHASE_ORDER.indexOf(phase)).reduce((a, b) => a + b, 0);
}

function selector(name: string, options: K8sRenderOptions): { selector: Record<string, unknown> } | { reason: string } {
  const given = options.podSelectors[name];
  if (given === undefined && name.includes('@'))
    return {
      reason:
        `${name} is resolved when the fault fires (whichever pod holds the role then), and a Chaos Mesh ` +
        `selector is fixed: give --pod-selector ${name}=<label>=<value> if your operator labels that role`,
    };
  return {
    selector: {
      namespaces: [options.clusterNamespace ?? options.namespace],
      labelSelectors: { ...(given ?? { 'rmq-chaos/node': name }) },
    },
  };
}

const DIRECTION = { upstream: 'to', downstream: 'from', both: 'both' } as const;

/** The chaos for one link during one occurrence (several for a flap), or why there is none. */
function linkChaos(fault: ResolvedFault, link: string, options: K8sRenderOptions): Chaos | { reason: string } {
  const [from, to] = link.split('->');
  if (from === undefined || to === undefined) return { reason: `${link} is not a link` };
  const source = selector(from, options);
  const target = selector(to, options);
  if ('reason' in source) return source;
  if ('reason' in target) return target;
  const base = { mode: 'all', selector: source.selector, target: { mode: 'all', selector: target.selector } };
  switch (fault.action) {
    case 'network.down':
    case 'network.flap':
      return { kind: 'NetworkChaos', spec: { ...base, action: 'partition', direction: 'both' } };
    case 'network.latency':
      return {
        kind: 'NetworkChaos',
        spec: {
          ...base,
          action: 'delay',
          direction: DIRECTION[fault.params.stream],
          delay: { latency: goDuration(fault.params.latencyMs), jitter: goDuration(fault.params.jitterMs) },
        },
      };
    case 'network.bandwidth':
      return {
        kind: 'NetworkChaos',
        spec: {
          ...base,
          action: 'bandwidth',
          direction: DIRECTION[fault.params.stream],
          // Toxiproxy counts kilobytes per second, tc kilobits; limit and buffer are tc's usual sizes.
          bandwidth: {
            rate: `${Math.max(1, Math.round(fault.params.rateKBps * 8))}kbps`,
            limit: 20971520,
            buffer: 10000,
          },
        },
      };
    default:
      return {
        reason:
          `${fault.action} is a Toxiproxy toxic with no Chaos Mesh NetworkChaos equivalent (it shapes packets: ` +
          'partition, loss, delay, bandwidth), and the Toxiproxy sidecars sit only on client links',
      };
  }
}

function nodeChaos(
  fault: ResolvedFault,
  node: string,
  occurrence: ResolvedFaultOccurrence,
  plan: ResolvedPlan,
  options: K8sRenderOptions,
): (Chaos & { deadlineMs: number }) | { reason: string } {
  const sel = selector(node, options);
  if ('reason' in sel) return sel;
  const base = { mode: 'all', selector: sel.selector };
  if (fault.action === 'kill') {
    const untilEnd = Math.max(1000, plannedFrom(plan, fault.phase) - occurrence.atMs);
    return { kind: 'PodChaos', spec: { ...base, action: 'pod-failure' }, deadlineMs: untilEnd };
  }
  if (fault.action === 'restart') {
    if (!fault.params.hard) return { kind: 'PodChaos', spec: { ...base, action: 'pod-kill' }, deadlineMs: 1000 };
    if (fault.params.downMs === 0)
      return { kind: 'PodChaos', spec: { ...base, action: 'pod-kill', gracePeriod: 0 }, deadlineMs: 1000 };
    return { kind: 'PodChaos', spec: { ...base, action: 'pod-failure' }, deadlineMs: fault.params.downMs };
  }
  if (fault.action === 'pause')
    return {
      reason:
        'pause is SIGSTOP (the process freezes, its connections stay open); Chaos Mesh has no such action for ' +
        'pods (pod-failure ends the process: a kill, not a freeze)',
    };
  return { reason: `${fault.action} of cluster node ${node} has no Chaos Mesh equivalent` };
}

/** Chaos nodes last at least a second: an instant pod-kill still needs its object to exist while it acts. */
function deadlineOf(ms: number): number {
  return Math.max(1000, ms);
}

function chaosTemplate(name: string, chaos: Chaos, deadlineMs: number): Template {
  const field = chaos.kind === 'NetworkChaos' ? 'networkChaos' : 'podChaos';
  return { name, templateType: chaos.kind, deadline: goDuration(deadlineOf(deadlineMs)), [field]: chaos.spec };
}

/** One occurrence's steps: its chaos per target at once (Parallel when several), flap cycles in turn. */
function occurrenceSteps(
  fault: ResolvedFault,
  occurrence: ResolvedFaultOccurrence,
  plan: ResolvedPlan,
  options: K8sRenderOptions,
  templates: Template[],
): { steps: string[]; spanMs: number } | { reason: string } {
  const o = occurrence.index;
  const durationMs = occurrence.durationMs ?? 0;
  if (fault.action === 'network.flap' && fault.params.jitterMs > 0)
    return { reason: 'network.flap with jitter: a Workflow has fixed waits, so the jitter cannot be rendered' };
  // A flap is `down` for downFor every period during the occurrence: cycles of chaos, then a wait.
  const cycles =
    fault.action === 'network.flap'
      ? Array.from({ length: Math.ceil(durationMs / fault.params.periodMs) }, (_, c) => ({
          downMs: Math.min(fault.params.downForMs, durationMs - c * fault.params.periodMs),
          upMs: Math.max(
            0,
            Math.min(fault.params.periodMs, durationMs - c * fault.params.periodMs) - fault.params.downForMs,
          ),
        }))
      : [{ downMs: durationMs, upMs: 0 }];
  const steps: string[] = [];
  // How long the steps take: a Serial workflow moves on when a chaos node's deadline passes.
  let spanMs = 0;
  for (const [c, cycle] of cycles.entries()) {
    const parallel: string[] = [];
    let longestMs = 0;
    for (const [t, target] of occurrence.targets.entries()) {
      const name = `o${o}-c${c}-t${t}`;
      if (fault.action.startsWith('network.')) {
        const chaos = linkChaos(fault, target, options);
        if ('reason' in chaos) return chaos;
        templates.push(chaosTemplate(name, chaos, cycle.downMs));
        longestMs = Math.max(longestMs, deadlineOf(cycle.downMs));
      } else {
        const chaos = nodeChaos(fault, target, occurrence, plan, options);
        if ('reason' in chaos) return chaos;
        templates.push(chaosTemplate(name, chaos, chaos.deadlineMs));
        longestMs = Math.max(longestMs, deadlineOf(chaos.deadlineMs));
      }
      parallel.push(name);
    }
    if (parallel.length === 1) steps.push(parallel[0] as string);
    else {
      templates.push({ name: `o${o}-c${c}`, templateType: 'Parallel', children: parallel });
      steps.push(`o${o}-c${c}`);
    }
    spanMs += longestMs + cycle.upMs;
    if (cycle.upMs > 0) {
      templates.push({ name: `o${o}-c${c}-up`, templateType: 'Suspend', deadline: goDuration(cycle.upMs) });
      steps.push(`o${o}-c${c}-up`);
    }
  }
  return { steps, spanMs };
}

export function chaosWorkflow(fault: ResolvedFault, plan: ResolvedPlan, options: K8sRenderOptions): ChaosWorkflow {
  const templates: Template[] = [];
  const entry: string[] = [];
  let clockMs = 0;
  for (const occurrence of fault.occurrences) {
    const waitMs = occurrence.atMs - clockMs;
    if (waitMs > 0) {
      templates.push({ name: `wait-${occurrence.index}`, templateType: 'Suspend', deadline: goDuration(waitMs) });
      entry.push(`wait-${occurrence.index}`);
    }
    const steps = occurrenceSteps(fault, occurrence, plan, options, templates);
    if ('reason' in steps) return steps;
    entry.push(...steps.steps);
    clockMs = Math.max(clockMs, occurrence.atMs) + steps.spanMs;
  }
  const index = plan.faults.indexOf(fault);
  const workflow: K8sObject = {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: `${options.runId}-fault-${index}`,
      namespace: options.namespace,
      labels: { ...labels(options.runId, 'fault'), 'rmq-chaos/phase': fault.phase },
      annotations: {
        'rmq-chaos/fault': fault.name,
        'rmq-chaos/apply-at': `the start of phase ${fault.phase} (waits count from the Workflow's creation)`,
      },
    },
    spec: { entry: 'entry', templates: [{ name: 'entry', templateType: 'Serial', children: entry }, ...templates] },
  };
  const graceful = fault.action === 'restart' && !fault.params.hard && fault.params.downMs > 0;
  return graceful
    ? {
        workflow,
        note:
          `${fault.name}: a graceful restart is a pod-kill; the pod's controller starts it again at once, ` +
          `not after down=${goDuration(fault.params.downMs)}`,
      }
    : { workflow };
}
