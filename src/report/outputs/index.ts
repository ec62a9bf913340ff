/**
 * `run --out <name>=<target>` (repeatable), as k6 names its outputs: each a MetricOutput
 * (run/metric-output.ts) that gets every time-series row, run event and broker snapshot while
 * the run goes.
 */
import type { MetricOutput } from '../../run/metric-output.ts';
import { UsageError } from '../../util/errors.ts';
import { CsvOutput } from './csv-output.ts';
import { JsonOutput } from './json-output.ts';
import { OtlpOutput, parseOtlpUrl } from './otlp-output.ts';
import { parseListenAddress, PrometheusOutput } from './prometheus-output.ts';

/** What the labelled outputs need from the plan and the console. */
export interface OutputContext {
  plan: string;
  /** Consumer fleet → its group. */
  groupOfFleet: Readonly<Record<string, string>>;
  warn: (line: string) => void;
}

const OUTPUTS: Record<string, { target: string; make: (target: string, context: OutputContext) => MetricOutput }> = {
  json: { target: '<file>', make: (file) => new JsonOutput(file) },
  csv: { target: '<file>', make: (file) => new CsvOutput(file) },
  prometheus: {
    target: '<port|host:port>',
    make: (spec, context) => new PrometheusOutput(parseListenAddress(spec, 'prometheus'), context.groupOfFleet),
  },
  otlp: { target: '<url>', make: (url, context) => new OtlpOutput(parseOtlpUrl(url), context) },
};

export const OUTPUT_NAMES = Object.keys(OUTPUTS);

/** `json=<file>, csv=<file>, ...`: for the option's help. */
export const OUTPUT_USAGE = Object.entries(OUTPUTS)
  .map(([name, o]) => `${name}=${o.target}`)
  .join(', ');

/** The outputs `--out` names, not yet open; a usage error (exit 2) for one it does not know. */
export function parseOutputs(specs: readonly string[], context: OutputContext): MetricOutput[] {
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const target = eq < 0 ? '' : spec.slice(eq + 1);
    const output = OUTPUTS[name];
    if (!output)
      throw new UsageError(
        `--out ${spec}: unknown output "${name}" (outputs: ${OUTPUT_NAMES.join(', ')})`,
        'e.g. --out json=reports/points.ndjson --out prometheus=9464',
      );
    if (target === '') throw new UsageError(`--out ${spec}: ${name} needs a target: --out ${name}=${output.target}`);
    return output.make(target, context);
  });
}

/**
 * Opens every output before the run starts anything; closes the opened ones if one fails.
 * Returns what they have to say (where an endpoint listens).
 */
export async function openOutputs(outputs: readonly MetricOutput[]): Promise<string[]> {
  const opened: MetricOutput[] = [];
  const lines: string[] = [];
  try {
    for (const output of outputs) {
      const line = await output.open();
      if (line !== undefined) lines.push(line);
      opened.push(output);
    }
    return lines;
  } catch (error) {
    await Promise.all(opened.map((o) => o.close()));
    throw error;
  }
}
