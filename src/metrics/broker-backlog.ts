import { isRetryOrDlqTopic, type RemotingAdmin } from '../protocol/index.ts';

export interface BrokerBacklogSample {
  at: number;
  /** group → total lag (broker max offset − committed consumer offset) over its queues. */
  byGroup: Record<string, number>;
  /** group → queue key (`topic@broker/queueId`) → lag. */
  byQueue: Record<string, Record<string, number>>;
  /** Brokers that did not answer this round (the sample is then partial). */
  errors: string[];
}

/**
 * The broker's view of backlog: GET_CONSUME_STATS per group on every master, the numbers
 * `mqadmin consumerProgress` shows. It lags the ledger by up to the client's offset-commit
 * interval (5 s by default), which is the point of keeping both: where they disagree after
 * that, something is wrong. Broadcasting groups keep offsets in the client, so the broker has
 * no view of them and they are left out.
 */
export async function sampleBrokerBacklog(
  admin: RemotingAdmin,
  masters: readonly { name: string; addr: string }[],
  groups: readonly string[],
): Promise<BrokerBacklogSample> {
  const sample: BrokerBacklogSample = { at: Date.now(), byGroup: {}, byQueue: {}, errors: [] };
  await Promise.all(
    groups.flatMap((group) =>
      masters.map(async (broker) => {
        try {
          const stats = await admin.consumeStats(broker.addr, group);
          for (const q of stats.queues) {
            if (isRetryOrDlqTopic(q.topic)) continue;
            const lag = Math.max(0, q.brokerOffset - q.consumerOffset);
            (sample.byQueue[group] ??= {})[`${q.topic}@${q.brokerName}/${q.queueId}`] = lag;
            sample.byGroup[group] = (sample.byGroup[group] ?? 0) + lag;
          }
          sample.byGroup[group] ??= 0;
        } catch (error) {
          sample.errors.push(`${broker.name}/${group}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    ),
  );
  return sample;
}
