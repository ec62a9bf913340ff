/**
 * Every shipped plan, rendered and validated object by object against the Kubernetes and Chaos
 * Mesh schemas. A plan whose faults cannot all be rendered is rendered with --skip-unrenderable
 * and listed below, fault by fault: a new one fails this test until it is listed (or mapped).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { K8sObject } from '../../../src/k8s/model.ts';
import { renderOptions } from '../../../src/k8s/cli-options.ts';
import { K8S_DEFAULTS } from '../../../src/k8s/model.ts';
import { renderK8s, UnrenderableFaultsError } from '../../../src/k8s/render.ts';
import { ManifestValidator } from './manifest-validator.ts';
import { loadForRender, options } from './render-fixture.ts';

const PLANS = readdirSync('plans')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/** What cannot be rendered today, and why (the README's mapping table says the same). */
const UNRENDERABLE: Record<string, string[]> = {
  'failover-controller': ['kill-master: role', 'kill-new-master: role'],
  'failover-dledger': ['kill-master: role', 'kill-new-master: role'],
  'failover-network-partition': ['isolate-master: role'],
  // A tmpfs store the local provider mounts; Chaos Mesh's IOChaos injects faults, it fills nothing.
  'disk-fill': ['disk.fill-0: disk.fill of cluster node broker-a has no Chaos Mesh equivalent'],
  // A loop device the local provider throttles; IOChaos delays a pod's file calls, not a blkio rate.
  'disk-slow': ['disk.slow-0: disk.slow of cluster node broker-a has no Chaos Mesh equivalent'],
};

const validator = new ManifestValidator();

// biome-ignore lint/suspicious/noExplicitAny: the agents' pod spec is read field by field
type Loose = any;

describe('k8s render of every shipped plan', () => {
  it('finds the plans', () => expect(PLANS.length).toBeGreaterThanOrEqual(19));

  it('refuses an ACL plan, saying why', async () => {
    const { plan, raw } = await loadForRender('plans/acl.yaml');
    expect(() => renderK8s(plan, raw, options())).toThrow(/k8s render does not take cluster\.acl/);
  });

  it.each(PLANS.filter((name) => name !== 'acl'))('%s renders into objects the schemas accept', async (name) => {
    const { plan, raw } = await loadForRender(`plans/${name}.yaml`);
    let skippedFaults: string[] = [];
    let result: ReturnType<typeof renderK8s>;
    try {
      result = renderK8s(plan, raw, options());
    } catch (error) {
      if (!(error instanceof UnrenderableFaultsError)) throw error;
      result = renderK8s(plan, raw, options({ skipUnrenderable: true }));
      skippedFaults = result.skipped.map(
        (s) => `${s.fault}: ${s.reason.includes('resolved when') ? 'role' : s.reason}`,
      );
    }
    expect(skippedFaults).toEqual(UNRENDERABLE[name] ?? []);
    const objects = result.files.flatMap((f) => f.objects);
    const problems = objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind} ${o.metadata.name} ${p}`));
    expect(problems).toEqual([]);
    const kinds = objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'Job')).toHaveLength(2);
    expect(kinds).toEqual(expect.arrayContaining(['Secret', 'ConfigMap', 'Service']));
    const workflows = result.routes.filter((r) => r.to === 'chaos-mesh').length;
    expect(kinds.filter((k) => k === 'Workflow')).toHaveLength(workflows);
    // Client-link faults stay in the coordinator's plan; their agents get the sidecar and --toxiproxy.
    const kept = result.routes.filter((r) => r.to === 'coordinator' || r.to === 'sidecar').map((r) => r.fault.name);
    const config = objects.find((o) => o.kind === 'ConfigMap') as K8sObject & { data: Record<string, string> };
    const rendered = parse(config.data['plan.yaml'] ?? '') as { faults?: { name?: string }[] };
    expect((rendered.faults ?? []).length).toBe(kept.length);
    const sidecar = result.routes.some((r) => r.to === 'sidecar');
    const pod = (objects.find((o) => o.kind === 'Job' && o.metadata.name.endsWith('-agent')) as Loose).spec.template
      .spec;
    expect(pod.containers.map((c: Loose) => c.name)).toEqual(['agent']);
    // The sidecar is native: an init container that keeps running (restartPolicy Always), so the
    // pod completes when the agent exits.
    expect((pod.initContainers ?? []).map((c: Loose) => [c.name, c.restartPolicy])).toEqual(
      sidecar ? [['toxiproxy', 'Always']] : [],
    );
    expect(String(pod.containers[0].command.at(-1)).includes('--toxiproxy http://127.0.0.1:8474')).toBe(sidecar);
  });
});

describe('the failover plans, with selectors for their roles', () => {
  // An operator that labels the master pod lets role faults render: their Workflows validate too.
  const roles = {
    'broker-a@master': { app: 'rocketmq', broker: 'broker-a', role: 'master' },
    'controller-0': { app: 'rocketmq', component: 'controller' },
  };
  it.each(Object.keys(UNRENDERABLE).filter((name) => name.startsWith('failover-')))('%s', async (name) => {
    const { plan, raw } = await loadForRender(`plans/${name}.yaml`);
    const result = renderK8s(plan, raw, options({ podSelectors: roles }));
    expect(result.skipped).toEqual([]);
    const workflows = result.files.flatMap((f) => f.objects).filter((o) => o.kind === 'Workflow');
    expect(workflows).toHaveLength(plan.faults.length);
    expect(workflows.flatMap((w) => validator.validate(w))).toEqual([]);
  });
});

// A second opinion from a real API server (server-side dry run of every plan's objects, with
// the Chaos Mesh CRDs made from the same schemas): test/integration/k8s-apiserver.test.ts.

describe("the coordinator's view of pop groups", () => {
  const clusterOf = (result: ReturnType<typeof renderK8s>) => {
    const config = result.files.flatMap((f) => f.objects).find((o) => o.kind === 'ConfigMap') as K8sObject & {
      data: Record<string, string>;
    };
    return (parse(config.data['plan.yaml'] ?? '') as { cluster: Record<string, unknown> }).cluster;
  };

  it("carries the proxy's remoting port into the coordinator's plan, where the run reads pop groups", async () => {
    const { plan, raw } = await loadForRender('plans/pop-tag-drift.yaml');
    const remoting = 'rocketmq-proxy.rocketmq.svc:8080';
    expect(clusterOf(renderK8s(plan, raw, options({ proxyRemoting: remoting })))).toEqual({
      provider: 'external',
      namesrvAddr: 'rocketmq-namesrv.rocketmq.svc:9876',
      proxyAddr: 'rocketmq-proxy.rocketmq.svc:8081',
      proxyRemotingAddr: remoting,
    });
    expect(clusterOf(renderK8s(plan, raw, options()))).not.toHaveProperty('proxyRemotingAddr');
  });

  it('refuses --proxy-remoting without the gRPC endpoint (exit 2, saying what to give)', async () => {
    const { plan } = await loadForRender('plans/smoke.yaml');
    const cli = {
      namespace: 'load',
      image: K8S_DEFAULTS.image,
      toxiproxyImage: K8S_DEFAULTS.toxiproxyImage,
      namesrv: 'rocketmq-namesrv.rocketmq.svc:9876',
      proxyRemoting: 'rocketmq-proxy.rocketmq.svc:8080',
      agents: '1',
      podSelector: [],
      timeout: '30m',
      clusterDomain: K8S_DEFAULTS.clusterDomain,
    };
    await expect(renderOptions(plan, cli)).rejects.toThrow(/--proxy-remoting .*needs the same proxy's gRPC endpoint/);
    await expect(renderOptions(plan, { ...cli, proxy: 'rocketmq-proxy.rocketmq.svc:8081' })).resolves.toMatchObject({
      proxyRemoting: 'rocketmq-proxy.rocketmq.svc:8080',
    });
  });
});
