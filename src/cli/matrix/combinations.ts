/**
 * The matrix's combinations: every server version × HA mode asked for (the plan's own value
 * where an axis is not given), each loaded and validated as `run --set cluster.version=V
 * --set cluster.ha=H` would load it, before anything starts. A combination the plan does not
 * validate with (controller on 4.x, a proxy on a version without one) is skipped with the
 * validation's own words; a problem every combination shares (no such plan file, a malformed
 * --set) is the command line's, and stops the matrix.
 */
import { HA_MODES, type HaMode } from '../../cluster/ha-modes.ts';
import { loadPlanFile, type LoadPlanOptions } from '../../plan/load-plan.ts';
import type { ResolvedPlan } from '../../plan/resolved-plan.ts';
import { PlanError, UsageError } from '../../util/errors.ts';

export interface MatrixAxes {
  /** undefined: the plan's own version is the only one. */
  versions: string[] | undefined;
  ha: HaMode[] | undefined;
}

export interface Combination {
  /** The axis values given (undefined where the plan's own is used). */
  version: string | undefined;
  ha: HaMode | undefined;
  /** The --set overrides that select it (after the user's). */
  sets: string[];
}

interface Planned {
  combination: Combination;
  /** `4.9.7 × master-slave`; an axis not given reads the plan's value (or `plan` when it did not load). */
  label: string;
  /** The folder its run goes to: `4.9.7-master-slave`. */
  slug: string;
  version: string | null;
  ha: string | null;
}

export interface ValidCombination extends Planned {
  status: 'valid';
  plan: ResolvedPlan;
}

export interface SkippedCombination extends Planned {
  status: 'skipped';
  /** The PlanError's lines. */
  reason: string[];
}

export type PlannedCombination = ValidCombination | SkippedCombination;

/** `4.9.7, 5.3.3` → ['4.9.7', '5.3.3']: trimmed, each once, in the order given. */
export function parseList(option: string, value: string): string[] {
  const items = [...new Set(value.split(',').map((v) => v.trim()))];
  if (items.length === 0 || items.some((v) => v === ''))
    throw new UsageError(`${option} ${JSON.stringify(value)}: an empty item`, `e.g. ${option} 4.9.7,5.3.3`);
  return items;
}

export function parseHaList(value: string): HaMode[] {
  const modes = parseList('--ha', value);
  const unknown = modes.filter((m) => !HA_MODES.includes(m as HaMode));
  if (unknown.length > 0)
    throw new UsageError(`--ha: no HA mode ${unknown.join(', ')}`, `HA modes are ${HA_MODES.join(', ')}`);
  return modes as HaMode[];
}

/** Versions outer, HA modes inner: a table reads one version's modes together. */
export function expandCombinations(axes: MatrixAxes): Combination[] {
  const versions: (string | undefined)[] = axes.versions ?? [undefined];
  const modes: (HaMode | undefined)[] = axes.ha ?? [undefined];
  return versions.flatMap((version) =>
    modes.map((ha) => ({
      version,
      ha,
      sets: [
        ...(version === undefined ? [] : [`cluster.version=${version}`]),
        ...(ha === undefined ? [] : [`cluster.ha=${ha}`]),
      ],
    })),
  );
}

/** An axis and a --set of the same field would fight over it; which wins must not be a guess. */
export function refuseAxisOverrides(axes: MatrixAxes, sets: readonly string[]): void {
  const keys = new Set(sets.map((s) => s.split('=')[0]?.trim()));
  for (const [field, option, given] of [
    ['cluster.version', '--versions', axes.versions],
    ['cluster.ha', '--ha', axes.ha],
  ] as const) {
    if (given !== undefined && keys.has(field))
      throw new UsageError(
        `--set ${field}=... and ${option} both choose ${field}`,
        `give the values in ${option} only (or drop ${option} to run the plan with that one value)`,
      );
  }
}

/** Loads the plan once per combination, with the user's --set first and the combination's after. */
export async function planCombinations(
  planFile: string,
  userSets: readonly string[],
  axes: MatrixAxes,
  loadOptions: LoadPlanOptions = {},
): Promise<PlannedCombination[]> {
  refuseAxisOverrides(axes, userSets);
  // A skipped combination's label names the plan's own value of an axis not given, when the plan
  // loads without the combination's overrides (else it reads `plan`).
  let own: Promise<ResolvedPlan | undefined> | undefined;
  const ownPlan = () => (own ??= loadPlanFile(planFile, userSets, loadOptions).catch(() => undefined));
  const planned: PlannedCombination[] = [];
  for (const combination of expandCombinations(axes)) {
    try {
      const plan = await loadPlanFile(planFile, [...userSets, ...combination.sets], loadOptions);
      const version = plan.cluster.version;
      const ha = plan.cluster.ha;
      planned.push({ status: 'valid', combination, plan, version, ha, ...names(version, ha) });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      const fallback = combination.version === undefined || combination.ha === undefined ? await ownPlan() : undefined;
      const version = combination.version ?? fallback?.cluster.version ?? null;
      const ha = combination.ha ?? fallback?.cluster.ha ?? null;
      const reason = error.message.split('\n');
      planned.push({ status: 'skipped', combination, reason, version, ha, ...names(version, ha) });
    }
  }
  return planned;
}

function names(version: string | null, ha: string | null): { label: string; slug: string } {
  const v = version ?? 'plan';
  const h = ha ?? 'plan';
  return { label: `${v} × ${h}`, slug: `${v}-${h}`.replace(/[^A-Za-z0-9._-]/g, '_') };
}
