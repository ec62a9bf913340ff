/**
 * What a plan's `expect:` section can say: the invariants a run checks (with the one line
 * reports print for each), the states a plan may expect of them, and what happens to a
 * diagnosis the plan does not list. The schema (editor help), the resolver and the reports
 * all read these tables. The diagnosis ids are here too, so the plan can name them
 * without depending on the rules (`checks/diagnoses/rules/`), which are keyed by them.
 */

export const DIAGNOSIS_IDS = [
  'inconsistent-subscription',
  'unconsumed-queues',
  'stale-consumer',
  'broker-without-consumers',
  'duplicate-burst',
  'backlog-growth',
  'reassigned-offsets',
  'lost-with-host',
  // Last: it reads what every rule before it found (rules/unexplained-loss.ts).
  'unexplained-loss',
] as const;
export type DiagnosisId = (typeof DIAGNOSIS_IDS)[number];

export function isDiagnosisId(value: unknown): value is DiagnosisId {
  return typeof value === 'string' && (DIAGNOSIS_IDS as readonly string[]).includes(value);
}

export const INVARIANT_IDS = [
  'no-loss',
  'broadcast-complete',
  'no-unexpected',
  'ordered',
  'dead-letters-exact',
] as const;
export type InvariantId = (typeof INVARIANT_IDS)[number];

/** One line per invariant: what holding it means. Reports print these. */
export const INVARIANT_DESCRIPTIONS: Record<InvariantId, string> = {
  'no-loss': 'Every clustering group received every acknowledged message it subscribes to by the end of drain.',
  'broadcast-complete':
    'Every broadcasting instance received every acknowledged message it subscribes to by the end of drain.',
  'no-unexpected': 'No receipts of message ids the run never sent.',
  ordered:
    "Every group and broadcasting instance got each ordered producer's messages of one sharding key in the " +
    'order they were sent (first deliveries; replays after a rebalance are counted apart). Checked only where ' +
    'an ordered producer feeds the group.',
  'dead-letters-exact':
    'Every group with deadLetter finds exactly its acknowledged poison messages in %DLQ%<group> when it is read ' +
    'back after the drain: none missing, none else. Checked only where a group has deadLetter.',
};

export function isInvariantId(value: unknown): value is InvariantId {
  return typeof value === 'string' && (INVARIANT_IDS as readonly string[]).includes(value);
}

/**
 * `hold`: the run fails if the invariant is violated. `violated`: the plan reproduces that
 * violation, so the run fails if the invariant holds. `off`: not checked.
 */
export const INVARIANT_STATES = ['hold', 'violated', 'off'] as const;
export type InvariantState = (typeof INVARIANT_STATES)[number];

/** A diagnosis that fires but is not listed in `expect.diagnoses`: `report` it, or let it `fail` the run. */
export const UNLISTED_DIAGNOSIS_POLICIES = ['report', 'fail'] as const;
export type UnlistedDiagnosisPolicy = (typeof UNLISTED_DIAGNOSIS_POLICIES)[number];
