import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { PLAN_COPY_FILE, planOfCopy, writePlanCopy } from '../../../src/run/plan-copy.ts';

const PLAN = 'description: d\ntopics: [{name: t}]\nphases: {load: 5s}\n';

describe('plan.yaml in the run folder', () => {
  it('keeps the plan with its --set overrides, under a line saying where it came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-plan-copy-'));
    const plan = loadPlanText(PLAN, 'plans/x.yaml', ['phases.load=7s']);
    expect(writePlanCopy(plan, dir)).toBe(true);
    const text = readFileSync(join(dir, PLAN_COPY_FILE), 'utf8');
    expect(text.split('\n')[0]).toBe('# The plan as this run ran it: plans/x.yaml with --set phases.load=7s');
    expect(planOfCopy(text)).not.toContain('The plan as this run ran it');
    expect(loadPlanText(text, PLAN_COPY_FILE).phases.loadMs).toBe(7000);
  });

  it('writes nothing for a plan without YAML text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-plan-copy-'));
    const plan = loadPlanText(PLAN, 'plans/x.yaml');
    expect(writePlanCopy({ ...plan, source: { file: 'code', sets: [] } }, dir)).toBe(false);
    expect(planOfCopy(PLAN)).toBe(PLAN);
  });
});
