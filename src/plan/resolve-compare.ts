/** The plan's `compare:` section resolved: every metric's tolerance, defaults filled. */
import { COMPARABLE_METRIC_IDS, type ComparableMetricId } from './comparable-metrics.ts';
import { DEFAULT_TOLERANCES, type Tolerance, type Tolerances } from './compare-tolerances.ts';
import { parseToleranceBound, type ToleranceSlot } from './compare-tolerance-text.ts';
import type { PlanDocument } from './schema.ts';

export interface ResolvedCompare {
  /** Every comparable metric's tolerance (the defaults with the plan's overrides). */
  tolerances: Tolerances;
}

function parsed(input: unknown, id: ComparableMetricId, slot: ToleranceSlot) {
  const result = parseToleranceBound(input, id, slot);
  if (!result.ok) throw new Error(`internal: validated tolerance did not parse: ${result.message}`);
  return result;
}

/** A bound replaces the default bound of its kind; `off` on a slot removes that bound. */
function resolveOne(id: ComparableMetricId, written: unknown): Tolerance | 'off' {
  const base = DEFAULT_TOLERANCES[id];
  const start: Tolerance = base === 'off' ? { relative: null, absolute: null } : { ...base };
  if (typeof written === 'string' || typeof written === 'number') {
    const bound = parsed(written, id, 'either');
    if (bound.kind === 'off') return 'off';
    return { ...start, [bound.kind]: bound.value };
  }
  const slots = (written ?? {}) as { relative?: unknown; absolute?: unknown };
  for (const slot of ['relative', 'absolute'] as const) {
    if (slots[slot] === undefined) continue;
    const bound = parsed(slots[slot], id, slot);
    start[slot] = bound.kind === 'off' ? null : bound.value;
  }
  return start;
}

export function resolveCompare(plan: PlanDocument): ResolvedCompare {
  const written = (plan.compare?.tolerances ?? {}) as Partial<Record<ComparableMetricId, unknown>>;
  const tolerances = { ...DEFAULT_TOLERANCES } as Tolerances;
  for (const id of COMPARABLE_METRIC_IDS) {
    if (written[id] !== undefined) tolerances[id] = resolveOne(id, written[id]);
  }
  return { tolerances };
}
