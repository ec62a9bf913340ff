/** The validator must be able to fail: broken manifests it has to refuse. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../src/k8s/model.ts';
import { renderK8s } from '../../../src/k8s/render.ts';
import { ManifestValidator } from './manifest-validator.ts';
import { loadForRender, options } from './render-fixture.ts';

const validator = new ManifestValidator();

/** Objects these tests break on purpose, field by field. */
// biome-ignore lint/suspicious/noExplicitAny: deliberately untyped, to write what no type would allow
type Breakable = any;

describe('manifest validation refuses broken objects', async () => {
  const { plan, raw } = await loadForRender('test/fixtures/k8s-plans/cluster-faults.yaml');
  const objects = renderK8s(plan, raw, options()).files.flatMap((f) => f.objects);
  const find = (kind: string, component: string) =>
    structuredClone(
      objects.find((o) => o.kind === kind && o.metadata.labels['app.kubernetes.io/component'] === component),
    ) as Breakable;

  it('accepts the rendered ones', () => {
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  it('a Job without template.spec.containers', () => {
    const job = find('Job', 'agent');
    delete job.spec.template.spec.containers;
    expect(validator.validate(job)).toContain(
      '/spec/template/spec: must have required property \'containers\' ("containers")',
    );
  });

  it('a misspelt field, a wrong type, a bad name, an unknown kind', () => {
    const job = find('Job', 'coordinator');
    job.spec.completionsMode = 'Indexed';
    job.spec.backoffLimit = 'none';
    job.metadata.name = 'Coordinator_1';
    const problems = validator.validate(job);
    expect(problems).toContain('/spec: must NOT have additional properties ("completionsMode")');
    expect(problems).toContain('/spec/backoffLimit: must be integer');
    expect(problems.some((p) => p.startsWith('/metadata/name'))).toBe(true);
    expect(validator.validate({ ...job, apiVersion: 'apps/v1', kind: 'Deployment' })).toEqual([
      'apps/v1/Deployment: no schema for this kind',
    ]);
  });

  it('a Chaos Mesh Workflow with an unknown action or template field', () => {
    const workflow = objects.find((o) => o.kind === 'Workflow') as Breakable;
    const broken = structuredClone(workflow);
    const chaos = broken.spec.templates.find((t: Breakable) => t.podChaos);
    chaos.podChaos.action = 'pod-freeze';
    chaos.sleep = '5s';
    const problems = validator.validate(broken);
    expect(problems.some((p) => p.includes('podChaos/action: must be equal to one of the allowed values'))).toBe(true);
    expect(problems.some((p) => p.includes('must NOT have additional properties ("sleep")'))).toBe(true);
  });

  it('a Service port out of range and a Secret with a number', () => {
    const service = find('Service', 'agent');
    service.spec.ports[0].port = 'agent';
    expect(validator.validate(service).some((p) => p.startsWith('/spec/ports/0/port'))).toBe(true);
    const secret = structuredClone(objects.find((o) => o.kind === 'Secret')) as K8sObject;
    secret.stringData = { token: 42 };
    expect(validator.validate(secret)).toContain('/stringData/token: must be string');
  });
});
