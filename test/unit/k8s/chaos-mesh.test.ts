import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../src/k8s/model.ts';
import { renderK8s, UnrenderableFaultsError } from '../../../src/k8s/render.ts';
import { ManifestValidator } from './manifest-validator.ts';
import { loadForRender, options } from './render-fixture.ts';

const validator = new ManifestValidator();

type Template = { name: string; templateType: string; deadline?: string; children?: string[] } & Record<
  string,
  unknown
>;
const templates = (w: K8sObject) => (w.spec as { templates: Template[] }).templates;
const byFault = (objects: K8sObject[], fault: string) =>
  objects.find((o) => o.metadata.annotations?.['rmq-chaos/fault'] === fault) as K8sObject;

describe('cluster-side faults as Chaos Mesh Workflows', async () => {
  const { plan, raw } = await loadForRender('test/fixtures/k8s-plans/cluster-faults.yaml');
  const result = renderK8s(plan, raw, options());
  const workflows = result.files.flatMap((f) => f.objects).filter((o) => o.kind === 'Workflow');

  it('routes nodes and inter-node links to Chaos Mesh, fleets to the coordinator, client links to sidecars', () => {
    expect(result.routes.map((r) => `${r.fault.name}:${r.to}`)).toEqual([
      'kill-b:chaos-mesh',
      'hard-restart:chaos-mesh',
      'soft-restart:chaos-mesh',
      'slow-registration:chaos-mesh',
      'flaky-ha:chaos-mesh',
      'thin-ha:chaos-mesh',
      'consumer-down:coordinator',
      'slow-consumers:sidecar',
    ]);
    expect(workflows).toHaveLength(6);
    expect(result.notes).toEqual([]);
  });

  it('validates every Workflow against the Chaos Mesh CRD', () => {
    expect(workflows.flatMap((w) => validator.validate(w))).toEqual([]);
  });

  it('waits for each occurrence, then runs its chaos for its length', () => {
    const hard = templates(byFault(workflows, 'hard-restart'));
    const entry = hard.find((t) => t.name === 'entry');
    expect(entry?.children).toEqual(['wait-0', 'o0-c0-t0', 'wait-1', 'o1-c0-t0']);
    expect(hard.find((t) => t.name === 'wait-0')?.deadline).toBe('5s');
    // second occurrence at 25s, the first ended at 10s
    expect(hard.find((t) => t.name === 'wait-1')?.deadline).toBe('15s');
    expect(hard.find((t) => t.name === 'o0-c0-t0')).toMatchObject({
      templateType: 'PodChaos',
      deadline: '5s',
      podChaos: { action: 'pod-failure', selector: { labelSelectors: { 'rmq-chaos/node': 'broker-a' } } },
    });
    expect(byFault(workflows, 'hard-restart').metadata.labels['rmq-chaos/phase']).toBe('chaos');
  });

  it('keeps a killed node down until the planned end of the run', () => {
    const kill = templates(byFault(workflows, 'kill-b')).find((t) => t.templateType === 'PodChaos');
    // chaos 60s + heal 10s + drain 30s - at 40s
    expect(kill?.deadline).toBe('1m');
  });

  it('maps latency with its direction and a flap to partitions and waits', () => {
    const latency = templates(byFault(workflows, 'slow-registration')).find((t) => t.templateType === 'NetworkChaos');
    expect(latency?.networkChaos).toMatchObject({
      action: 'delay',
      direction: 'to',
      delay: { latency: '200ms', jitter: '20ms' },
      target: { selector: { labelSelectors: { 'rmq-chaos/node': 'namesrv-0' } } },
    });
    const flap = templates(byFault(workflows, 'flaky-ha'));
    const children = flap.find((t) => t.name === 'entry')?.children ?? [];
    // 10s of flapping with a 4s period: down 1s, up 3s, down 1s, up 3s, down 1s, up 1s
    expect(children.filter((c) => c.endsWith('-up'))).toHaveLength(3);
    expect(flap.filter((t) => t.templateType === 'NetworkChaos')).toHaveLength(3);
    const bandwidth = templates(byFault(workflows, 'thin-ha'));
    expect(bandwidth.find((t) => t.templateType === 'Parallel')?.children).toHaveLength(2);
  });

  it('takes the pods of a node from --pod-selector when given', () => {
    const custom = renderK8s(plan, raw, options({ podSelectors: { 'broker-b': { app: 'rocketmq', broker: 'b' } } }));
    const kill = custom.files
      .flatMap((f) => f.objects)
      .find((o) => o.metadata.annotations?.['rmq-chaos/fault'] === 'kill-b');
    expect(JSON.stringify(kill)).toContain('"labelSelectors":{"app":"rocketmq","broker":"b"}');
  });
});

describe('faults that cannot be rendered', async () => {
  const { plan, raw } = await loadForRender('test/fixtures/k8s-plans/unrenderable.yaml');

  it('are an error (exit 2) naming each with why', () => {
    let error: unknown;
    try {
      renderK8s(plan, raw, options());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnrenderableFaultsError);
    const e = error as UnrenderableFaultsError;
    expect(e.exitCode).toBe(2);
    expect(e.faults.map((f) => f.fault)).toEqual(['freeze-broker', 'hold-registration', 'mixed']);
    expect(e.message).toMatch(/freeze-broker: pause is SIGSTOP/);
    expect(e.message).toMatch(/hold-registration: network.timeout is a Toxiproxy toxic/);
  });

  it('are left out and listed under --skip-unrenderable', () => {
    const result = renderK8s(plan, raw, options({ skipUnrenderable: true }));
    expect(result.skipped.map((s) => s.fault)).toEqual(['freeze-broker', 'hold-registration', 'mixed']);
    const planText = String((result.files[1]?.objects[0]?.data as Record<string, string>)['plan.yaml']);
    expect(planText).toContain('name: fine');
    expect(planText).not.toContain('freeze-broker');
  });
});
