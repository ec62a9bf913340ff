import { z } from 'zod';
import { SubscriptionMapSchema } from '../../protocol/index.ts';
import type { ResolvedSubscription } from '../resolve-values.ts';
import { subscriptions } from '../resolve-values.ts';
import { subscription } from '../schema-names.ts';
import { defineFault, param } from './fault-spec.ts';
import { sqlParses, topicsDeclared } from './param-checks.ts';

const resolvedSubscription = z.strictObject({
  topic: z.string(),
  expression: z.string(),
  type: z.enum(['TAG', 'SQL92']).optional(),
  tags: z.union([z.literal('*'), z.array(z.string())]),
}) satisfies z.ZodType<ResolvedSubscription>;

/** The instance's subscription is replaced by these; with a duration it goes back to its own at the end. */
export const driftSpec = defineFault({
  name: 'drift',
  description: "Change a consumer instance's subscription; with a duration it goes back to its own at the end.",
  lasts: 'optional',
  targets: ['consumer-instance'],
  targetsPhrase: 'consumer instances',
  params: {
    subscription: param({
      schema: subscription(),
      help:
        'The subscription the instance switches to: topic to tag expression or {sql: ...}; topics must be ' +
        'declared.',
      example: 'subscription: {orders: "TagA"}',
    }),
  },
  required: ['subscription'],
  checks: [topicsDeclared('subscription'), sqlParses('subscription')],
  resolved: z.strictObject({ subscriptions: z.array(resolvedSubscription) }),
  // The instance's own subscription, to heal to at the end: the run knows it, the fault does not.
  runtimeOnly: { original: SubscriptionMapSchema.optional() },
  resolve: (p) => ({ subscriptions: subscriptions(p.subscription) }),
});
