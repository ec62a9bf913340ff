/**
 * Plan validation of a hostile plan: 1 MiB of unknown keys (what a generated or corrupted file
 * looks like), against validating the shipped smoke plan (the reference), in the same process.
 * Before the fix this took about a minute: yaml's duplicate-key check and the issue locator were
 * quadratic in the number of keys.
 */
import { readFileSync } from 'node:fs';
import { loadPlanText } from '../src/plan/load-plan.ts';
import { PlanError } from '../src/util/errors.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIB = 1024 ** 2;

function unknownKeysPlan(bytes: number): string {
  const lines = ['description: 1 MiB of unknown keys'];
  let size = lines[0]!.length + 1;
  for (let i = 0; ; i++) {
    const line = `unknown${i}: 1`;
    if (size + line.length + 1 > bytes) break;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function timeValidate(text: string, file: string): { ms: number; issues: number } {
  const started = performance.now();
  let issues = 0;
  try {
    loadPlanText(text, file);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    issues = error.issues.length;
  }
  return { ms: performance.now() - started, issues };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchValidate(): Promise<void> {
  const hostile = unknownKeysPlan(MIB);
  const smoke = readFileSync(new URL('../plans/smoke.yaml', import.meta.url), 'utf8');
  const hostileMs: number[] = [];
  const smokeMs: number[] = [];
  let issues = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const h = timeValidate(hostile, 'unknown-keys.yaml');
    hostileMs.push(h.ms);
    issues = h.issues;
    smokeMs.push(timeValidate(smoke, 'plans/smoke.yaml').ms);
  }
  const h = median(hostileMs);
  const s = median(smokeMs);
  console.log(`validate: a 1 MiB plan of unknown keys (${issues} problems) vs plans/smoke.yaml, ${ROUNDS} rounds`);
  console.log(
    `  1 MiB unknown keys  median ${h.toFixed(0)} ms  runs [${hostileMs.map((x) => x.toFixed(0)).join(', ')}]`,
  );
  console.log(`  smoke.yaml          median ${s.toFixed(1)} ms  (reference)`);
  console.log(`  hostile / smoke = ${(h / s).toFixed(0)}`);
}
