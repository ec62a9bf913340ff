/**
 * Validates rendered objects offline against the real schemas, trimmed into
 * test/fixtures/k8s-schemas/ by scripts/k8s-schemas.ts: Kubernetes' OpenAPI v3 spec for the
 * core and batch kinds, Chaos Mesh's CRD openAPIV3Schema for its kinds.
 *
 * Tighter than the schemas as published, as an API server with strict field validation
 * (`kubectl apply --validate=strict`) is: an object schema that lists its properties refuses
 * others (OpenAPI leaves that open; the server does not), unless it preserves unknown fields.
 * Names and label values are checked as the server would (DNS-1123, 63 characters).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { K8sObject } from '../../../src/k8s/model.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/k8s-schemas/${name}`, import.meta.url), 'utf8')) as {
    schemas: Record<string, Json>;
  };

/** additionalProperties: false wherever properties are listed and unknown fields are not preserved. */
export function closeObjects(value: Json): Json {
  if (Array.isArray(value)) return value.map(closeObjects);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value))
    out[key] =
      key === 'properties' && item && typeof item === 'object' && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).map(([p, s]) => [p, closeObjects(s)]))
        : closeObjects(item);
  if (
    out.properties !== undefined &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  )
    out.additionalProperties = false;
  return out;
}

const KUBERNETES_KINDS: Record<string, string> = {
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'v1/Secret': 'io.k8s.api.core.v1.Secret',
  'v1/PersistentVolumeClaim': 'io.k8s.api.core.v1.PersistentVolumeClaim',
  'batch/v1/Job': 'io.k8s.api.batch.v1.Job',
};
const CHAOS_MESH_KINDS = ['Workflow', 'NetworkChaos', 'PodChaos'];

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export class ManifestValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const k8s = fixture('kubernetes.json');
    ajv.addSchema({ $id: 'k8s', components: { schemas: closeObjects(k8s.schemas) } } as object);
    for (const [key, name] of Object.entries(KUBERNETES_KINDS))
      this.validators.set(key, ajv.compile({ $ref: `k8s#/components/schemas/${name}` }));
    const chaos = fixture('chaos-mesh.json');
    for (const kind of CHAOS_MESH_KINDS)
      this.validators.set(
        `chaos-mesh.org/v1alpha1/${kind}`,
        ajv.compile(closeObjects(chaos.schemas[kind] ?? null) as object),
      );
  }

  /** Problems with one object, as `path: message` lines; empty when it is valid. */
  validate(object: K8sObject): string[] {
    const key = `${object.apiVersion}/${object.kind}`;
    const validate = this.validators.get(key);
    if (!validate) return [`${key}: no schema for this kind`];
    const problems = validate(object)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}${paramsText(e.params)}`);
    const { name, labels } = object.metadata;
    if (!DNS_SUBDOMAIN.test(name) || name.length > 253) problems.push(`/metadata/name: ${name} is not a DNS-1123 name`);
    if (object.kind === 'Job' && name.length > 63) problems.push(`/metadata/name: ${name} is over 63 characters`);
    for (const [k, v] of Object.entries(labels))
      if (v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`/metadata/labels/${k}: ${v} is not a label value`);
    return problems;
  }
}

function paramsText(params: Record<string, unknown>): string {
  const extra = params.additionalProperty ?? params.missingProperty ?? params.allowedValues;
  return extra === undefined ? '' : ` (${JSON.stringify(extra)})`;
}
