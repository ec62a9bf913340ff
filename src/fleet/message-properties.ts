/**
 * User properties a producer fleet puts on its messages (for SQL92 subscriptions), drawn per
 * message from the plan seed. Stateless on purpose: a message's properties are a function of
 * (seed, producer instance, seq), so the ledger recomputes them for the messages it judges
 * instead of every producer shipping or the coordinator storing one map per message.
 */
import type { PropertySpecs } from '../plan/resolved-plan.ts';
import { hashSeed, seededRandom } from '../util/random.ts';

export type { PropertySpec, PropertySpecs } from '../plan/resolved-plan.ts';

/** The properties of message `seq` of `producerId`; every value a string, as RocketMQ stores them. */
export function messageProperties(
  specs: PropertySpecs,
  seed: number,
  producerId: string,
  seq: number,
): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    // One generator per (message, property): adding a property leaves the others' values alone.
    const draw = seededRandom(hashSeed(`${seed}:${producerId}:${seq}:${name}`))();
    if ('int' in spec) {
      const [min, max] = spec.int;
      properties[name] = String(min + Math.floor(draw * (max - min + 1)));
    } else {
      properties[name] = spec.oneOf[Math.floor(draw * spec.oneOf.length)]!;
    }
  }
  return properties;
}
