/**
 * The rendered manifests of every shipped plan, dry-run on a real Kubernetes API server: a
 * throwaway etcd and kube-apiserver on loopback (test/support/k8s-control-plane.ts), with the
 * Chaos Mesh CRDs made from the trimmed schemas the unit tests validate against
 * (test/fixtures/k8s-schemas/chaos-mesh.json). `kubectl apply --dry-run=server --validate=strict`
 * runs the server's own validation, defaulting, admission and strict field decoding on every
 * object, and stores nothing. A second opinion on test/unit/k8s/render-plans.test.ts's ajv check,
 * from the server those schemas come from; broken objects must be refused by it, and are.
 *
 * Needs etcd, kube-apiserver and kubectl in the cache: `npm run rmq-chaos -- setup --k8s` builds
 * them (minutes; .ci/run does it). Without them it skips, in one line saying so.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { K8sObject } from '../../src/k8s/model.ts';
import { manifestText, type RenderResult, renderK8s, UnrenderableFaultsError } from '../../src/k8s/render.ts';
import { k8sBinaryPaths } from '../../src/setup/k8s-binaries.ts';
import { KUBERNETES_VERSION } from '../../src/setup/versions.ts';
import { LocalControlPlane } from '../support/k8s-control-plane.ts';
import { loadForRender, options } from '../unit/k8s/render-fixture.ts';

const binaries = k8sBinaryPaths();
const skipReason = existsSync(binaries.marker)
  ? undefined
  : `skipped: no etcd/kube-apiserver/kubectl in the cache (${binaries.bin}); ` +
    '`npm run rmq-chaos -- setup --k8s` builds them (minutes)';

// The reason as a skipped test's note: vitest prints it on the test's line, even in the full suite's output.
if (skipReason !== undefined) it('k8s manifests on a real API server', (ctx) => ctx.skip(skipReason));

const PLANS = readdirSync('plans')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/** Selectors for the failover plans' role faults (as render-plans.test.ts gives them), so every fault renders. */
const ROLES = {
  'broker-a@master': { app: 'rocketmq', broker: 'broker-a', role: 'master' },
  'controller-0': { app: 'rocketmq', component: 'controller' },
};

/** The CRDs' names, which the trimmed schemas do not carry (Chaos Mesh's config/crd/bases). */
const CHAOS_MESH_CRDS = [
  { kind: 'Workflow', plural: 'workflows' },
  { kind: 'NetworkChaos', plural: 'networkchaos' },
  { kind: 'PodChaos', plural: 'podchaos' },
];

function chaosMeshCrds(): object[] {
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/k8s-schemas/chaos-mesh.json', import.meta.url), 'utf8'),
  ) as { schemas: Record<string, object> };
  return CHAOS_MESH_CRDS.map(({ kind, plural }) => {
    const schema = fixture.schemas[kind];
    if (!schema) throw new Error(`no ${kind} schema in chaos-mesh.json`);
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.chaos-mesh.org` },
      spec: {
        group: 'chaos-mesh.org',
        scope: 'Namespaced',
        names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: schema },
            subresources: { status: {} },
          },
        ],
      },
    };
  });
}

async function render(name: string): Promise<RenderResult> {
  const { plan, raw } = await loadForRender(`plans/${name}.yaml`);
  try {
    return renderK8s(plan, raw, options());
  } catch (error) {
    if (!(error instanceof UnrenderableFaultsError)) throw error;
    try {
      return renderK8s(plan, raw, options({ podSelectors: ROLES }));
    } catch (again) {
      // A fault with no Chaos Mesh equivalent at all (disk.fill): the rest must still apply.
      if (!(again instanceof UnrenderableFaultsError)) throw again;
      return renderK8s(plan, raw, options({ podSelectors: ROLES, skipUnrenderable: true }));
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: objects are broken field by field below
type Loose = any;

describe.skipIf(skipReason !== undefined)(
  `k8s manifests on a real API server (kube-apiserver ${KUBERNETES_VERSION})`,
  () => {
    let plane: LocalControlPlane | undefined;
    const dir = join(tmpdir(), `rmq-chaos-k8s-apiserver-${process.pid}`);
    const DRY_RUN = ['apply', '--dry-run=server', '--validate=strict'];

    /** Writes objects to a file and dry-runs them: kubectl's exit code, output and errors. */
    async function dryRun(name: string, objects: object[]) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
      return (plane as LocalControlPlane).kubectl([...DRY_RUN, '-f', file]);
    }

    beforeAll(async () => {
      mkdirSync(dir, { recursive: true });
      plane = await LocalControlPlane.start({ log: (line) => console.log(line) });
      const crds = join(dir, 'crds.yaml');
      writeFileSync(
        crds,
        chaosMeshCrds()
          .map((o) => stringify(o))
          .join('---\n'),
      );
      const applied = await plane.kubectl(['apply', '--validate=strict', '-f', crds]);
      expect(applied.stderr).toBe('');
      const plurals = CHAOS_MESH_CRDS.map((c) => `crd/${c.plural}.chaos-mesh.org`);
      // Right after the apply a CRD may have no status.conditions yet, and kubectl wait then fails
      // at once ("accessor error: <nil> ... expected []interface{}", seen once in CI): ask again.
      let established = await plane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...plurals]);
      for (let i = 0; i < 20 && established.code !== 0 && established.stderr.includes('accessor error'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        established = await plane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...plurals]);
      }
      expect(established.code, established.stderr).toBe(0);
      const namespace = await plane.kubectl(['create', 'namespace', options().namespace]);
      expect(namespace.code, namespace.stderr).toBe(0);
    }, 120_000);

    afterAll(async () => {
      const workDir = plane?.workDir;
      await plane?.stop();
      rmSync(dir, { recursive: true, force: true });
      if (workDir) expect(existsSync(workDir)).toBe(false);
      if (plane) expect([plane.apiserver.hasExited, plane.etcd.hasExited]).toEqual([true, true]);
    });

    it('finds the plans', () => expect(PLANS.length).toBeGreaterThanOrEqual(19));

    // An ACL plan is refused by render (test/unit/k8s/render-plans.test.ts checks the refusal).
    it.each(PLANS.filter((name) => name !== 'acl'))(
      '%s: every object passes kubectl apply --dry-run=server',
      async (name) => {
        const result = await render(name);
        // Only a fault no Chaos Mesh object expresses is left out (test/unit/k8s/render-plans.test.ts lists them).
        const storeFaults: Record<string, string[]> = { 'disk-fill': ['disk.fill-0'], 'disk-slow': ['disk.slow-0'] };
        expect(result.skipped.map((f) => f.fault)).toEqual(storeFaults[name] ?? []);
        const planDir = join(dir, name);
        mkdirSync(planDir, { recursive: true });
        for (const file of result.files) writeFileSync(join(planDir, file.name), manifestText(file));
        const out = await plane!.kubectl([...DRY_RUN, '-f', planDir]);
        expect(out.stderr).toBe('');
        expect(out.code).toBe(0);
        const objects = result.files.flatMap((f) => f.objects);
        const lines = out.stdout.trim().split('\n');
        expect(lines).toHaveLength(objects.length);
        for (const line of lines) expect(line).toMatch(/ created \(server dry run\)$/);
      },
    );

    it('stored nothing: the dry runs left no Job, Secret or Workflow behind', async () => {
      const out = await plane!.kubectl([
        'get',
        'jobs,secrets,configmaps,workflows.chaos-mesh.org',
        '-n',
        'load',
        '-o',
        'name',
      ]);
      expect(out.code, out.stderr).toBe(0);
      // The namespace's own kube-root-ca.crt needs the controller manager, which does not run here.
      expect(out.stdout.trim()).toBe('');
    });

    describe('broken objects are refused by the server', () => {
      let agents: K8sObject & Loose;
      let workflow: K8sObject & Loose;
      beforeAll(async () => {
        const objects = (await render('failover-network-partition')).files.flatMap((f) => f.objects);
        agents = objects.find((o) => o.kind === 'Job' && o.metadata.name.endsWith('-agent')) as Loose;
        workflow = objects.find((o) => o.kind === 'Workflow') as Loose;
        // As rendered they pass, so what is refused below is the one change.
        const out = await dryRun('as-rendered', [agents, workflow]);
        expect(out.code, out.stderr).toBe(0);
      });

      it('a Job with completionMode: Bogus (core validation)', async () => {
        const broken = structuredClone(agents);
        broken.spec.completionMode = 'Bogus';
        const out = await dryRun('completion-mode', [broken]);
        expect(out.code).not.toBe(0);
        expect(out.stderr).toMatch(/spec\.completionMode: Unsupported value: "Bogus"/);
      });

      it('a container field that does not exist (strict field validation)', async () => {
        const broken = structuredClone(agents);
        broken.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
        const out = await dryRun('unknown-field', [broken]);
        expect(out.code).not.toBe(0);
        expect(out.stderr).toMatch(/unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/);
      });

      it('a NetworkChaos action Chaos Mesh does not have (the CRD schema)', async () => {
        const broken = structuredClone(workflow);
        const template = broken.spec.templates.find((t: Loose) => t.networkChaos);
        template.networkChaos.action = 'sever';
        const out = await dryRun('chaos-action', [broken]);
        expect(out.code).not.toBe(0);
        expect(out.stderr).toMatch(/networkChaos\.action: Unsupported value: "sever"/);
      });
    });
  },
);
