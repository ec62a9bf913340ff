/**
 * The fidelity bench's one trick: a problem plan becomes a plan with two copies of every
 * consumer fleet, one on each driver, in groups of their own (`billing-node`, `billing-java`),
 * fed by the same producers, on the same cluster, under the same faults at the same moments.
 * Both drivers then meet the same broker, the same noise and the same fault timing, which two
 * separate runs could not promise; the group-level figures (loss, duplicates, backlog,
 * rebalance, diagnoses) compare like for like.
 */
import { parse, stringify } from 'yaml';

export const TWIN_DRIVERS = ['node', 'java'] as const;
export type TwinDriver = (typeof TWIN_DRIVERS)[number];

type Doc = Record<string, unknown>;

const isRecord = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `billing` → `billing-java`; an instance target `billing#1` → `billing-java#1`. */
export function twinName(name: string, driver: TwinDriver): string {
  const [fleet, index] = name.split('#');
  return index === undefined ? `${fleet}-${driver}` : `${fleet}-${driver}#${index}`;
}

/**
 * The twin plan of `planText` (a plan's YAML). Consumer fleets, their groups, the faults aimed
 * at consumer fleets or instances, the expected diagnoses per group and drift subscriptions
 * are doubled; producers, topics, phases and cluster stay as they are. Thresholds and
 * invariants are dropped: they were written for one group, and the bench reads figures, not
 * verdicts.
 */
export function twinPlan(planText: string): string {
  const plan = parse(planText) as Doc;
  const fleets = isRecord(plan.fleets) ? plan.fleets : {};
  const consumers = (Array.isArray(fleets.consumers) ? fleets.consumers : []).filter(isRecord);
  const consumerFleets = new Set(consumers.map((c) => String(c.name)));
  const twins = TWIN_DRIVERS.flatMap((driver) =>
    consumers.map((fleet) => ({
      ...fleet,
      name: twinName(String(fleet.name), driver),
      group: twinName(String(fleet.group ?? fleet.name), driver),
      driver,
    })),
  );
  const isConsumerTarget = (target: unknown) =>
    typeof target === 'string' && consumerFleets.has(target.split('#')[0] ?? '');
  const faults = (Array.isArray(plan.faults) ? plan.faults : []).filter(isRecord).flatMap((fault) =>
    isConsumerTarget(fault.target)
      ? TWIN_DRIVERS.map((driver) => ({
          ...fault,
          ...(fault.name === undefined ? {} : { name: `${String(fault.name)}-${driver}` }),
          target: twinName(String(fault.target), driver),
        }))
      : [fault],
  );
  const expect = isRecord(plan.expect) ? plan.expect : undefined;
  const diagnoses = (Array.isArray(expect?.diagnoses) ? expect.diagnoses : [])
    .filter(isRecord)
    .flatMap((d) =>
      typeof d.group === 'string'
        ? TWIN_DRIVERS.map((driver) => ({ ...d, group: twinName(String(d.group), driver) }))
        : [d],
    );
  const rest = { ...plan };
  delete rest.thresholds;
  delete rest.expect;
  return stringify({
    ...rest,
    name: `${String(plan.name ?? 'plan')}-fidelity`,
    fleets: { ...fleets, consumers: twins },
    ...(faults.length > 0 ? { faults } : {}),
    ...(diagnoses.length > 0 ? { expect: { diagnoses, others: 'report' } } : {}),
  });
}

/**
 * Each consumer group of the plan, with its twin group per driver (for reading the twin run's
 * summary) and the diagnoses the plan expects about it.
 */
export function twinGroups(
  planText: string,
): { group: string; twins: Record<TwinDriver, string>; expected: string[] }[] {
  const plan = parse(planText) as Doc;
  const fleets = isRecord(plan.fleets) ? plan.fleets : {};
  const groups = new Set(
    (Array.isArray(fleets.consumers) ? fleets.consumers : []).filter(isRecord).map((c) => String(c.group ?? c.name)),
  );
  const expect = isRecord(plan.expect) ? plan.expect : undefined;
  const diagnoses = (Array.isArray(expect?.diagnoses) ? expect.diagnoses : []).filter(isRecord);
  return [...groups].map((group) => ({
    group,
    twins: { node: twinName(group, 'node'), java: twinName(group, 'java') },
    expected: diagnoses.filter((d) => d.group === group).map((d) => String(d.id)),
  }));
}
