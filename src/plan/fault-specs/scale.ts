import { z } from 'zod';
import { PLAN_LIMITS as L } from '../defaults.ts';
import { describeValue } from '../messages.ts';
import { defineFault, param } from './fault-spec.ts';

/** A non-zero integer within ±`scaleDelta`; one message for every way to miss it. */
function delta() {
  const max = L.scaleDelta;
  const error = (iss: { input?: unknown }): string =>
    `expected a non-zero integer from -${max} to ${max} such as 2 or -1, got ${describeValue(iss.input)}`;
  return z
    .number({ error })
    .int({ error })
    .min(-max, { error })
    .max(max, { error })
    .refine((n) => n !== 0, { error })
    .meta({ not: { const: 0 } });
}

/**
 * Adds (positive) or removes (negative) instances of a consumer fleet. Whether a fleet stays
 * within 0..64 over the run is judged with every scale fault in time order
 * (`cross-check-fault-times.ts`), not here.
 */
export const scaleSpec = defineFault({
  name: 'scale',
  description: 'Add (delta > 0) or remove (delta < 0) instances of a consumer fleet.',
  lasts: 'never',
  targets: ['consumer-fleet'],
  targetsPhrase: 'consumer fleets',
  insteadOfDuration: 'a second scale fault with the opposite delta undoes it',
  params: {
    delta: param({
      schema: delta(),
      help:
        `Instances to add (positive) or remove (negative), -${L.scaleDelta} to ${L.scaleDelta}, never below 0 ` +
        'in total.',
      example: 'delta: 1',
    }),
  },
  required: ['delta'],
  resolved: z.strictObject({ delta: z.number().int() }),
  resolve: (p) => ({ delta: p.delta }),
});
