/**
 * Faults on client links in the manifests (src/k8s/sidecar.ts): they stay in the coordinator's
 * plan, the agent gets `--toxiproxy` to its pod's sidecar, the sidecar's API is pod-local, and
 * nothing of the old contract (`--agent-network`, network-faults.yaml, a Toxiproxy port the
 * coordinator dials) is rendered.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { K8sObject } from '../../../src/k8s/model.ts';
import { manifestText, renderK8s } from '../../../src/k8s/render.ts';
import { PlanError } from '../../../src/util/errors.ts';
import { loadForRender, options } from './render-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: rendered objects are read field by field
type Loose = any;

const ADDRESSES = Array.from(
  { length: 2 },
  (_, i) => `rc-test-abcde-agent-${i}.rc-test-abcde-agent.load.svc.cluster.local:7420`,
);

async function render(file: string, sets: string[] = []) {
  const { plan, raw } = await loadForRender(file, sets);
  const result = renderK8s(plan, raw, options({ skipUnrenderable: true }));
  const objects = result.files.flatMap((f) => f.objects);
  const find = (kind: string, component: string): Loose =>
    objects.find((o) => o.kind === kind && o.metadata.labels['app.kubernetes.io/component'] === component);
  const agentPod = find('Job', 'agent').spec.template.spec;
  const container = (name: string): Loose =>
    [...agentPod.containers, ...(agentPod.initContainers ?? [])].find((c: Loose) => c.name === name);
  return {
    result,
    text: result.files.map(manifestText).join('---\n'),
    config: find('ConfigMap', 'plan') as K8sObject & { data: Record<string, string> },
    coordinator: find('Job', 'coordinator').spec.template.spec,
    service: find('Service', 'agent'),
    agentPod,
    agentCommand: String(container('agent').command.at(-1)),
    sidecar: container('toxiproxy'),
  };
}

describe('a plan with a fault on a client link', async () => {
  const r = await render('test/fixtures/k8s-plans/cluster-faults.yaml');

  it('keeps the fault in the coordinator’s plan, and the ConfigMap holds that plan only', () => {
    expect(Object.keys(r.config.data)).toEqual(['plan.yaml']);
    const plan = parse(r.config.data['plan.yaml'] ?? '') as { cluster: unknown; faults: { name: string }[] };
    expect(plan.cluster).toMatchObject({ provider: 'external' });
    // Fleet and client-link faults; the Chaos Mesh ones are left out.
    expect(plan.faults.map((f) => f.name)).toEqual(['consumer-down', 'slow-consumers']);
  });

  it('runs the coordinator without --agent-network and mounts only the plan and the reports', () => {
    const container = r.coordinator.containers.find((c: Loose) => c.name === 'coordinator');
    expect(container.args).toEqual([
      'run',
      '/etc/rmq-chaos/plan.yaml',
      '--agents',
      ADDRESSES.join(','),
      '--reports',
      '/reports',
      '--agent-wait',
      '5m',
    ]);
    expect(container.volumeMounts.map((m: Loose) => m.mountPath)).toEqual(['/reports', '/etc/rmq-chaos']);
    expect(r.coordinator.volumes.map((v: Loose) => v.name)).toEqual(['reports', 'plan']);
  });

  it('starts each agent with --toxiproxy to its pod’s sidecar, whose API listens on loopback only', () => {
    expect(r.agentPod.containers.map((c: Loose) => c.name)).toEqual(['agent']);
    // Native: up before the agent, stopped after it, so pods and the Job complete.
    expect(r.agentPod.initContainers.map((c: Loose) => [c.name, c.restartPolicy])).toEqual([['toxiproxy', 'Always']]);
    expect(r.agentCommand.split('\n')).toContain(
      'exec rmq-chaos agent --listen 0.0.0.0:7420 --name "$name" --capacity "$capacity" --once ' +
        '--toxiproxy http://127.0.0.1:8474',
    );
    expect(r.sidecar.image).toBe('ghcr.io/shopify/toxiproxy:2.12.0');
    expect(r.sidecar.args).toEqual(['-host=127.0.0.1', '-port=8474']);
  });

  it('exposes no Toxiproxy port: not on the container, not on the Service', () => {
    expect(r.sidecar.ports).toBeUndefined();
    expect(r.service.spec.ports.map((p: Loose) => p.name)).toEqual(['agent']);
  });

  it('renders nothing of the old contract', () => {
    for (const old of ['agent-network', 'network-faults', '0.0.0.0:8474', '-host=0.0.0.0', 'toxiproxyApiPort'])
      expect(r.text).not.toContain(old);
  });

  it('is refused at render time when a fleet runs on the coordinator (it has no Toxiproxy there)', async () => {
    await expect(
      render('test/fixtures/k8s-plans/cluster-faults.yaml', ['fleets.consumers[0].placement=local']),
    ).rejects.toBeInstanceOf(PlanError);
  });
});

describe('a plan without faults on client links', async () => {
  const r = await render('test/fixtures/k8s-plans/unrenderable.yaml');

  it('has no sidecar, and its agents no --toxiproxy', () => {
    expect(r.result.routes.some((route) => route.to === 'sidecar')).toBe(false);
    expect(r.agentPod.containers.map((c: Loose) => c.name)).toEqual(['agent']);
    expect(r.agentCommand).toMatch(/ --once$/m);
    expect(r.agentCommand).not.toContain('--toxiproxy');
    expect(r.service.spec.ports.map((p: Loose) => p.name)).toEqual(['agent']);
  });
});

describe("a fault on one agent's own link", async () => {
  const r = await render('plans/agents-network-faults.yaml');

  it('goes to that agent’s sidecar with the other client-link faults, not to Chaos Mesh', () => {
    expect(r.result.routes.map((route) => [route.fault.name, route.to])).toEqual([
      ['slow-pulls', 'sidecar'],
      ['producer-cut', 'sidecar'],
      ['agent-2-cut', 'sidecar'],
    ]);
    const plan = parse(r.config.data['plan.yaml'] ?? '') as { faults: { target: string }[] };
    expect(plan.faults.map((f) => f.target)).toContain('agent-2/consumers->broker-a');
    expect(r.result.files.flatMap((f) => f.objects).some((o) => o.kind === 'Workflow')).toBe(false);
  });
});
