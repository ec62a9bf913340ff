/**
 * Writes `plans/summary.schema.json`, the JSON Schema of summary.json, generated from the
 * `SummaryFile` type (src/result/run-summary.ts) so the two cannot drift: the type is what the
 * code writes, the schema is what CI jobs, `compare` and users' scripts can rely on. A unit
 * test compares the committed file with this output; run `npm run schema` after changing the
 * type (and bump SUMMARY_SCHEMA_VERSION on an incompatible change).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { SUMMARY_SCHEMA_ID, SUMMARY_SCHEMA_PATH } from '../src/result/summary-schema.ts';
import { SUMMARY_SCHEMA_VERSION } from '../src/result/run-summary.ts';

export function buildSummaryJsonSchema(): Record<string, unknown> {
  const generated = createGenerator({
    path: fileURLToPath(new URL('../src/result/run-summary.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    type: 'SummaryFile',
    // The compiler already checks the project (npm run lint); the generator only reads types.
    skipTypeCheck: true,
    // Every field the type does not declare is an error: a typo in a consumer's expectation shows.
    additionalProperties: false,
    sortProps: true,
  }).createSchema('SummaryFile');
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: SUMMARY_SCHEMA_ID,
    title: `rmq-chaos summary.json (schema version ${SUMMARY_SCHEMA_VERSION})`,
    description:
      'The result of one rmq-chaos run: what ran, what was measured (loss, duplicates, backlog, latency, ' +
      'rebalances), the checks, invariants and diagnoses, and the verdict; or, for a run stopped before its ' +
      'verdict (verdict aborted), why, where, what was cleaned up and the counts so far. schemaVersion changes ' +
      'on any incompatible change.',
    ...body,
  };
}

export function renderSummaryJsonSchema(): string {
  return `${JSON.stringify(buildSummaryJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(SUMMARY_SCHEMA_PATH, renderSummaryJsonSchema());
  console.log(`wrote ${SUMMARY_SCHEMA_PATH}`);
}
