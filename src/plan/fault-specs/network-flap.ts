import { z } from 'zod';
import { PLAN_LIMITS as L } from '../defaults.ts';
import { ms } from '../resolve-values.ts';
import { duration } from '../schema-primitives.ts';
import { defineFault, param } from './fault-spec.ts';
import { DURATIONS, lessThan } from './param-checks.ts';
import { JITTER, LINK_TARGETS } from './shared.ts';

/**
 * The link goes down for `downForMs` at the start of every `periodMs`, for the duration;
 * `jitterMs` varies each cycle's timing.
 */
export const networkFlapSpec = defineFault({
  name: 'network.flap',
  description: 'Take the link down for downFor at the start of every period, for the duration.',
  lasts: 'always',
  ...LINK_TARGETS,
  params: {
    period: param({
      schema: duration({ min: L.flapPeriodMinMs }),
      help: 'One down-and-up cycle, at least 200ms.',
      example: 'period: 2s',
    }),
    downFor: param({
      schema: duration({ min: 0, minExclusive: true }),
      help: 'How long the link is down in each period; less than period. Default: half the period.',
      example: 'downFor: 500ms',
    }),
    jitter: JITTER,
  },
  required: ['period'],
  checks: [lessThan('downFor', 'period', DURATIONS, 'the link must come back up in every period')],
  resolved: z
    .strictObject({
      periodMs: z.number().positive(),
      downForMs: z.number().positive(),
      jitterMs: z.number().min(0).default(0),
    })
    .refine((p) => p.downForMs < p.periodMs, {
      message: 'downForMs must be below periodMs (the link must come up in each period)',
      path: ['downForMs'],
    }),
  resolve: (p) => {
    const periodMs = ms(p.period);
    return { periodMs, downForMs: p.downFor === undefined ? periodMs / 2 : ms(p.downFor), jitterMs: ms(p.jitter) };
  },
});
