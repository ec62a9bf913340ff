/**
 * `run --out <name>=<target>` (repeatable), as k6 names its outputs: each a MetricOutput
 * (run/metric-output.ts) that gets every time-series row while the run goes.
 */
import type { MetricOutput } from '../../run/metric-output.ts';
import { UsageError } from '../../util/errors.ts';
import { CsvOutput } from './csv-output.ts';
import { JsonOutput } from './json-output.ts';

const OUTPUTS: Record<string, (target: string) => MetricOutput> = {
  json: (file) => new JsonOutput(file),
  csv: (file) => new CsvOutput(file),
};

export const OUTPUT_NAMES = Object.keys(OUTPUTS);

/** The outputs `--out` names, not yet open; a usage error (exit 2) for one it does not know. */
export function parseOutputs(specs: readonly string[]): MetricOutput[] {
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const target = eq < 0 ? '' : spec.slice(eq + 1);
    const make = OUTPUTS[name];
    if (!make)
      throw new UsageError(
        `--out ${spec}: unknown output "${name}" (outputs: ${OUTPUT_NAMES.join(', ')})`,
        'e.g. --out json=reports/points.ndjson --out csv=reports/points.csv',
      );
    if (target === '') throw new UsageError(`--out ${spec}: ${name} needs a file, e.g. --out ${name}=points.${name}`);
    return make(target);
  });
}

/** Opens every output before the run starts anything; closes the opened ones if one fails. */
export async function openOutputs(outputs: readonly MetricOutput[]): Promise<void> {
  const opened: MetricOutput[] = [];
  try {
    for (const output of outputs) {
      await output.open();
      opened.push(output);
    }
  } catch (error) {
    await Promise.all(opened.map((o) => o.close()));
    throw error;
  }
}
