import type { DiagnosisId } from '../../../plan/expectations-catalogue.ts';
import type { DiagnosisRule } from '../diagnosis.ts';
import { backlogGrowth } from './backlog-growth.ts';
import { brokerWithoutConsumers } from './broker-without-consumers.ts';
import { duplicateBurst } from './duplicate-burst.ts';
import { inconsistentSubscription } from './inconsistent-subscription.ts';
import { lostWithHost } from './lost-with-host.ts';
import { reassignedOffsets } from './reassigned-offsets.ts';
import { staleConsumer } from './stale-consumer.ts';
import { unconsumedQueues } from './unconsumed-queues.ts';
import { unexplainedLoss } from './unexplained-loss.ts';

/** Every rule, by id; the order is the order findings are reported in. */
export const RULES: Record<DiagnosisId, DiagnosisRule> = {
  'inconsistent-subscription': inconsistentSubscription,
  'unconsumed-queues': unconsumedQueues,
  'stale-consumer': staleConsumer,
  'broker-without-consumers': brokerWithoutConsumers,
  'duplicate-burst': duplicateBurst,
  'backlog-growth': backlogGrowth,
  'reassigned-offsets': reassignedOffsets,
  'lost-with-host': lostWithHost,
  'unexplained-loss': unexplainedLoss,
};
