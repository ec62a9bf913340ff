import { RemotingAdmin, type AclCredentials } from '../protocol/index.ts';
import { HarnessError } from '../util/errors.ts';
import type { ClusterEndpoints } from './provider.ts';
import { signedBy } from './acl.ts';

const ROUTE_TIMEOUT_MS = 30_000;

/**
 * Creates the plan's topics on every master broker, then waits until the name server's route
 * lists every master for each topic (the broker registers new topics with the name server
 * asynchronously; a producer that asked earlier would see "no route").
 */
export async function createTopics(
  endpoints: ClusterEndpoints,
  topics: readonly { name: string; queues: number }[],
  log: (line: string) => void,
  credentials?: AclCredentials,
): Promise<void> {
  // Around Toxiproxy when the network is on: setting up must not depend on a client link.
  const signing = credentials ? { credentials } : signedBy(endpoints);
  const admin = RemotingAdmin.create({ ...(endpoints.direct ?? { namesrvAddr: endpoints.namesrvAddr }), ...signing });
  try {
    const masters = endpoints.brokers.filter((b) => b.brokerId === 0).map((b) => b.name);
    for (const topic of topics) {
      await admin.createTopic({
        topic: topic.name,
        readQueueNums: topic.queues,
        writeQueueNums: topic.queues,
        clusterName: endpoints.clusterName,
      });
      const deadline = Date.now() + ROUTE_TIMEOUT_MS;
      for (;;) {
        const listed = await admin.route(topic.name).then(
          (route) => new Set(route.queueDatas.map((q) => q.brokerName)),
          () => new Set<string>(),
        );
        if (masters.every((m) => listed.has(m))) break;
        if (Date.now() > deadline) {
          throw new HarnessError(
            'topic-route-missing',
            `topic ${topic.name} was created but the name server routes it to ` +
              `${[...listed].join(', ') || 'no broker'} after ${ROUTE_TIMEOUT_MS} ms (expected ` +
              `${masters.join(', ')})`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      log(`topic ${topic.name}: ${topic.queues} queues on ${masters.join(', ')}`);
    }
  } finally {
    await admin.close();
  }
}
