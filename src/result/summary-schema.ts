/**
 * Validates a summary.json against `plans/summary.schema.json` (generated from RunSummary by
 * `npm run schema`): what `compare` reads, and what tests check every run's output against.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const SUMMARY_SCHEMA_ID = 'urn:rmq-chaos:summary';
export const SUMMARY_SCHEMA_PATH = fileURLToPath(new URL('../../plans/summary.schema.json', import.meta.url));

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // strict off: the generated schema carries descriptions and `$comment`s ajv's strict mode rejects.
    compiled = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return compiled;
}

/**
 * The schema's complaints about `data`, one line each (`/timeseries/3: must have required property 't'`); empty when
 * valid.
 */
export function summarySchemaErrors(data: unknown): string[] {
  const validate = validator();
  if (validate(data)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : '';
  return `${where}: ${error.message ?? 'invalid'}${extra}`;
}
