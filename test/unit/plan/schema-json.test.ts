import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PLAN_SCHEMA_ID,
  PLAN_SCHEMA_PATH,
  buildPlanJsonSchema,
  renderPlanJsonSchema,
} from '../../../src/plan/export-schema.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every named property anywhere in the schema, with its path, for the "has help" check. */
function properties(node: Json, path = ''): Array<[string, Json]> {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((item, i) => properties(item, `${path}[${i}]`));
  const own = node.properties;
  const here: Array<[string, Json]> =
    own && typeof own === 'object' && !Array.isArray(own)
      ? Object.entries(own).map(([key, value]) => [`${path}.${key}`, value])
      : [];
  // Into the `properties` keyword's values (field schemas), never the map itself as a schema:
  // a plan field may be named `properties` (a producer's message properties).
  const children = Object.entries(node).flatMap(
    ([key, value]): Array<[string, Json]> =>
      key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).map(([name, field]) => [`${path}/properties/${name}`, field])
        : [[`${path}/${key}`, value]],
  );
  return [...here, ...children.flatMap(([at, value]) => properties(value, at))];
}

describe('plans/schema.json', () => {
  it('is what `npm run schema` generates from the zod schema (run it after changing the schema)', () => {
    expect(readFileSync(PLAN_SCHEMA_PATH, 'utf8')).toBe(renderPlanJsonSchema());
  });

  it('identifies itself and forbids unknown keys at the top', () => {
    const schema = buildPlanJsonSchema();
    expect(schema).toMatchObject({
      $id: PLAN_SCHEMA_ID,
      title: 'rmq-chaos plan (version 1)',
      additionalProperties: false,
    });
    expect(schema.required).toEqual(['description', 'topics', 'phases']);
  });

  it('gives every field a description so editors can show help', () => {
    const undocumented = properties(buildPlanJsonSchema() as Json)
      .filter(([, value]) => !(value && typeof value === 'object' && !Array.isArray(value) && 'description' in value))
      .map(([path]) => path);
    expect(undocumented).toEqual([]);
  });

  it("lets editors accept selector keys on the metrics that take them, with the metric's own rules", () => {
    const schema = buildPlanJsonSchema() as { [key: string]: Json };
    const thresholds = (schema.properties as { [key: string]: Json }).thresholds as { [key: string]: Json };
    const patterns = Object.entries(thresholds.patternProperties as { [key: string]: { $ref: string } });
    const matching = (key: string) =>
      patterns.filter(([pattern]) => new RegExp(pattern).test(key)).map(([, value]) => value.$ref);
    expect(matching('received{group:billing,instance:each}')).toEqual(['#/properties/thresholds/properties/received']);
    expect(matching('e2e_latency{instance:billing#2}')).toEqual(['#/properties/thresholds/properties/e2e_latency']);
    expect(matching('sent{group:billing}')).toEqual([]);
    expect(matching('received')).toEqual([]);
    expect(thresholds.additionalProperties).toBe(false);
    // Every $ref points at the plain key's schema, which exists.
    for (const [, { $ref }] of patterns) {
      const target = $ref
        .slice(2)
        .split('/')
        .reduce<Json | undefined>(
          (node, segment) => (node && typeof node === 'object' && !Array.isArray(node) ? node[segment] : undefined),
          schema,
        );
      expect(target, $ref).toMatchObject({ type: 'array' });
    }
  });

  it('tells editors, per fault action, which keys it allows and which it needs', () => {
    const schema = buildPlanJsonSchema() as { [key: string]: Json };
    const faults = (schema.properties as { [key: string]: Json }).faults as { items: { [key: string]: Json } };
    expect(faults.items.additionalProperties).toBe(false);
    const rules = new Map(
      (
        faults.items.allOf as Array<{
          if: { properties: { action: { const: string } } };
          then: { propertyNames: { enum: string[] }; required: string[] };
        }>
      ).map((rule) => [rule.if.properties.action.const, rule.then]),
    );
    expect(rules.size).toBe(16);
    const common = ['name', 'action', 'target', 'phase', 'at', 'duration', 'every', 'count'];
    expect(rules.get('network.latency')).toEqual({
      propertyNames: { enum: [...common, 'latency', 'jitter', 'stream'] },
      required: ['duration', 'latency'],
    });
    expect(rules.get('kill')).toEqual({
      propertyNames: { enum: common.filter((key) => key !== 'duration') },
      required: [],
    });
    expect(rules.get('drift')).toEqual({
      propertyNames: { enum: [...common, 'subscription'] },
      required: ['subscription'],
    });
    // Its limits are each optional; the cross-check asks for one of them.
    expect(rules.get('disk.slow')).toEqual({
      propertyNames: { enum: [...common, 'writeBps', 'writeIops', 'readBps', 'readIops'] },
      required: ['duration'],
    });
  });
});
