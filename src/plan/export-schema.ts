/**
 * Writes `plans/schema.json`, the JSON Schema editors use to complete and check plans, from the
 * same zod schema the loader validates with, so the two cannot drift. A unit test compares the
 * committed file with this output; run `npm run schema` after changing the plan schema.
 * Plans opt in with a first line `# yaml-language-server: $schema=./schema.json`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { planSchema } from './schema.ts';

export const PLAN_SCHEMA_ID = 'urn:rmq-chaos:plan:v1';
export const PLAN_SCHEMA_PATH = fileURLToPath(new URL('../../plans/schema.json', import.meta.url));

export function buildPlanJsonSchema(): Record<string, unknown> {
  // `input`: the schema describes what users write (strings with units), not resolved values.
  const { $schema, ...body } = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema,
    $id: PLAN_SCHEMA_ID,
    title: 'rmq-chaos plan (version 1)',
    description:
      'A load and chaos test of an Apache RocketMQ cluster: the cluster, topics, client fleets, phases and ' +
      'pass/fail thresholds. Durations need a unit (500ms, 90s, 2m, 1h), rates a period (200/s, 120/m), ' +
      'sizes a unit (256B, 1KiB, 1MiB).',
    ...body,
  };
}

export function renderPlanJsonSchema(): string {
  return `${JSON.stringify(buildPlanJsonSchema(), null, 2)}\n`;
}

async function main(): Promise<void> {
  await writeFile(PLAN_SCHEMA_PATH, renderPlanJsonSchema());
  console.log(`wrote ${PLAN_SCHEMA_PATH}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
