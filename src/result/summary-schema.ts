/**
 * Validates a summary.json against `plans/summary.schema.json` (generated from SummaryFile by
 * `npm run schema`): what `compare` reads, and what tests check every run's output against.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const SUMMARY_SCHEMA_ID = 'urn:rmq-chaos:summary';
export const SUMMARY_SCHEMA_PATH = fileURLToPath(new URL('../../plans/summary.schema.json', import.meta.url));

let compiled: { whole: ValidateFunction; finished: ValidateFunction; aborted: ValidateFunction } | undefined;

function validators(): NonNullable<typeof compiled> {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // strict off: the generated schema carries descriptions and `$comment`s ajv's strict mode rejects.
    const ajv = new Ajv({ allErrors: true, strict: false });
    const whole = ajv.compile(schema);
    const branch = (name: string): ValidateFunction => {
      const validate = ajv.getSchema(`${SUMMARY_SCHEMA_ID}#/definitions/${name}`);
      if (!validate) throw new Error(`${SUMMARY_SCHEMA_PATH} has no definition ${name}: run npm run schema`);
      return validate;
    };
    compiled = { whole, finished: branch('RunSummary'), aborted: branch('AbortedRunSummary') };
  }
  return compiled;
}

/**
 * The schema's complaints about `data`, one line each (`/timeseries/3: must have required property 't'`); empty when
 * valid.
 */
export function summarySchemaErrors(data: unknown): string[] {
  const { whole, finished, aborted } = validators();
  if (whole(data)) return [];
  // The schema is either kind of summary: the verdict says which one the file meant to be, so
  // the complaints are about that one, not both.
  const verdict = typeof data === 'object' && data !== null ? (data as { verdict?: unknown }).verdict : undefined;
  const validate = verdict === 'aborted' ? aborted : finished;
  validate(data);
  return (validate.errors ?? whole.errors ?? []).map(describe);
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
