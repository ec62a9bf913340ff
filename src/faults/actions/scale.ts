import { scaleSpec } from '../../plan/fault-specs/scale.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { HarnessError } from '../../util/errors.ts';

/** Adds or removes consumer instances of a fleet (removal is a clean shutdown). */
export const scaleAction: FaultImplementation<typeof scaleSpec> = {
  spec: scaleSpec,
  async begin(target, params, context) {
    if (!context.fleet) throw new HarnessError('fault-target', "scale needs the run's fleet");
    const begunAt = Date.now();
    const changed = await context.fleet.scale(target, params.delta);
    return {
      observed: {
        begunAt,
        endedAt: Date.now(),
        detail: `${params.delta > 0 ? 'added' : 'removed'} ${changed.join(', ') || 'nothing'}`,
      },
      end: async () => {},
    };
  },
};
