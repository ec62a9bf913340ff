/**
 * Regenerates test/fixtures/k8s-schemas/: the parts of the Kubernetes OpenAPI v3 spec and of
 * Chaos Mesh's CRD schemas that `k8s render`'s objects use, trimmed, so the unit tests validate
 * every rendered object offline (no network at test time).
 *
 *   node --import tsx scripts/k8s-schemas.ts
 *
 * The sources are Go modules fetched through the Go module proxy (`go mod download -json`, into
 * GOMODCACHE): k8s.io/kubernetes (api/openapi-spec/v3) and github.com/chaos-mesh/chaos-mesh
 * (config/crd/bases). Both are Apache-2.0. Trimming: only the schemas reachable from the kinds
 * we render, `description`s dropped (most of the bytes); nothing else is changed here, so what
 * the tests tighten (unknown fields refused) is done in test code where it is visible.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const KUBERNETES_MODULE = 'k8s.io/kubernetes@v1.34.2';
/** chaos-mesh tags v2.x are not served as modules (its go.mod has no /v2); this is master on 2026-09-02. */
export const CHAOS_MESH_MODULE = 'github.com/chaos-mesh/chaos-mesh@v0.9.1-0.20260902003049-47411975a8cb';

const OUT = 'test/fixtures/k8s-schemas';

/** Kinds we render from the core and batch groups: spec file → schema names. */
const KUBERNETES_ROOTS: Record<string, string[]> = {
  'api__v1_openapi.json': [
    'io.k8s.api.core.v1.Service',
    'io.k8s.api.core.v1.ConfigMap',
    'io.k8s.api.core.v1.Secret',
    'io.k8s.api.core.v1.PersistentVolumeClaim',
  ],
  'apis__batch__v1_openapi.json': ['io.k8s.api.batch.v1.Job'],
};

/** Chaos Mesh kinds we render (Workflow embeds the other two; they are kept for direct use). */
const CHAOS_MESH_CRDS = ['workflows', 'networkchaos', 'podchaos'];
/** Workflow templates may embed every chaos kind; we use two, and the rest is most of a 640 kB file. */
const WORKFLOW_KINDS_KEPT = new Set(['networkChaos', 'podChaos']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function moduleDir(module: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', module], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const dir = (JSON.parse(out) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${module} gave no directory: ${out}`);
  return dir;
}

function stripDescriptions(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDescriptions);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) {
    // A property *named* description (e.g. in a CRD) is a schema, not prose: keep those.
    if (key === 'description' && typeof item === 'string') continue;
    out[key] = stripDescriptions(item);
  }
  return out;
}

function refsIn(value: Json, found: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.add(item.replace('#/components/schemas/', ''));
      else refsIn(item, found);
    }
}

function kubernetesSchemas(dir: string): Record<string, Json> {
  const kept: Record<string, Json> = {};
  for (const [file, roots] of Object.entries(KUBERNETES_ROOTS)) {
    const spec = JSON.parse(readFileSync(join(dir, 'api/openapi-spec/v3', file), 'utf8')) as {
      components: { schemas: Record<string, Json> };
    };
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (kept[name] !== undefined) continue;
      const schema = spec.components.schemas[name];
      if (schema === undefined) throw new Error(`${file}: no schema ${name}`);
      kept[name] = stripDescriptions(schema);
      const refs = new Set<string>();
      refsIn(schema, refs);
      queue.push(...refs);
    }
  }
  return Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
}

function chaosMeshSchemas(dir: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const crd of CHAOS_MESH_CRDS) {
    const doc = parse(readFileSync(join(dir, 'config/crd/bases', `chaos-mesh.org_${crd}.yaml`), 'utf8')) as {
      spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Json } }[] };
    };
    const version = doc.spec.versions.find((v) => v.name === 'v1alpha1');
    if (!version) throw new Error(`${crd}: no v1alpha1`);
    const schema = stripDescriptions(version.schema.openAPIV3Schema) as { [key: string]: Json };
    if (crd === 'workflows') {
      const spec = (schema.properties as { [k: string]: { [k: string]: Json } }).spec as { [k: string]: Json };
      const templates = (spec.properties as { [k: string]: { items: { properties: { [k: string]: Json } } } })
        .templates as { items: { properties: { [k: string]: Json } } };
      const properties = templates.items.properties;
      for (const key of Object.keys(properties))
        if (key.endsWith('Chaos') && !WORKFLOW_KINDS_KEPT.has(key)) delete properties[key];
      // Nested template kinds (schedule's own chaos specs) are as large again: keep the shape, not the kinds.
      const schedule = properties.schedule as { properties?: { [k: string]: Json } } | undefined;
      for (const key of Object.keys(schedule?.properties ?? {}))
        if (key.endsWith('Chaos') && !WORKFLOW_KINDS_KEPT.has(key)) delete schedule?.properties?.[key];
    }
    out[doc.spec.names.kind] = schema;
  }
  return out;
}

const k8sDir = moduleDir(KUBERNETES_MODULE);
const chaosDir = moduleDir(CHAOS_MESH_MODULE);
mkdirSync(OUT, { recursive: true });
const note = (module: string, from: string) => ({
  source: `${module} (${from}), fetched with go mod download; Apache-2.0, see that module's LICENSE`,
  regenerate: 'node --import tsx scripts/k8s-schemas.ts',
});
const k8sFile = { 'x-source': note(KUBERNETES_MODULE, 'api/openapi-spec/v3'), schemas: kubernetesSchemas(k8sDir) };
writeFileSync(join(OUT, 'kubernetes.json'), `${JSON.stringify(k8sFile)}\n`);
const chaosFile = { 'x-source': note(CHAOS_MESH_MODULE, 'config/crd/bases'), schemas: chaosMeshSchemas(chaosDir) };
writeFileSync(join(OUT, 'chaos-mesh.json'), `${JSON.stringify(chaosFile)}\n`);
console.log(`wrote ${OUT}/kubernetes.json and ${OUT}/chaos-mesh.json`);
