/**
 * The `expect:` section: diagnoses the plan must produce, what an unlisted diagnosis does to
 * the verdict, and which delivery invariants must hold (or, for a plan that reproduces a
 * violation, must be violated). Whether an entry's group exists and whether an entry is
 * listed twice are `cross-check-expect.ts`'s job, which runs even when other fields are broken.
 */
import { z } from 'zod';
import { DIAGNOSIS_IDS } from './expectations-catalogue.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import {
  INVARIANT_DESCRIPTIONS,
  INVARIANT_IDS,
  INVARIANT_STATES,
  UNLISTED_DIAGNOSIS_POLICIES,
  type InvariantId,
  type InvariantState,
} from './expectations-catalogue.ts';
import { describeValue } from './messages.ts';
import { groupName } from './schema-names.ts';
import { keyNouns, list, map, oneOf, opt, req } from './schema-primitives.ts';

const diagnosisId = () => oneOf(DIAGNOSIS_IDS);

/**
 * The short form. A string first, then an id: a bare enum answers a map with "expected one of
 * ...", which would make the union take `{id: typo}` for a misspelt short form instead of
 * reporting the typo at `id`. The enum is restated for editors (a pipe shows only its input).
 */
const shortForm = z
  .string({ error: (iss) => `expected a diagnosis id such as "unconsumed-queues", got ${describeValue(iss.input)}` })
  .pipe(diagnosisId())
  .meta({ description: 'A diagnosis id: it must fire, about any consumer group.', enum: [...DIAGNOSIS_IDS] });

const diagnosisEntry = z.union(
  [
    shortForm,
    map(
      {
        id: req(diagnosisId(), 'The diagnosis that must fire.'),
        group: opt(groupName(), 'The consumer group (of this plan) it must be about; any group when absent.'),
      },
      'diagnosis settings (id, group)',
    ),
  ],
  {
    error: (iss) =>
      `expected a diagnosis id such as "unconsumed-queues" or a map with an id key, got ${describeValue(iss.input)}`,
  },
);

const invariants = map(
  Object.fromEntries(
    INVARIANT_IDS.map((id) => [
      id,
      opt(
        oneOf(INVARIANT_STATES),
        `${INVARIANT_DESCRIPTIONS[id]} One of hold (default), violated, off.`,
        D.expect.invariant,
      ),
    ]),
  ) as Record<InvariantId, z.ZodOptional<z.ZodEnum<{ [K in InvariantState]: K }>>>,
  'invariant names to hold, violated or off',
);
keyNouns.add(invariants, { keyNoun: 'invariant', listKnown: true });

export const expectations = map(
  {
    diagnoses: opt(
      list(diagnosisEntry, 'diagnoses'),
      'Diagnoses this plan must produce: one listed that does not fire fails the run. An id (any group) or ' +
        '{id, group}.',
    ),
    others: opt(
      oneOf(UNLISTED_DIAGNOSIS_POLICIES),
      'A diagnosis that fires but is not listed: report prints it, fail fails the run.',
      D.expect.others,
    ),
    invariants: opt(
      invariants,
      'Delivery invariants checked at the end of drain. hold: the run fails if it is violated; violated: the ' +
        'plan reproduces the violation, so the run fails if it holds; off: not checked.',
    ),
  },
  'expectations (diagnoses, others, invariants)',
);
