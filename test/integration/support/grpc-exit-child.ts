/**
 * Child process for the grpc driver's "nothing keeps the process alive" test: sends one
 * message through the proxy, consumes it, closes both clients and then simply returns. It
 * never calls process.exit, so the process ends only if every channel, stream and timer of
 * rocketmq-client-nodejs was released. Prints how long each close took.
 */
import { grpcDriver } from '../../../src/drivers/grpc/index.ts';

const [endpoint, topic] = process.argv.slice(2) as [string, string];
const common = { namesrvAddr: endpoint, endpoint };
let received = 0;
const consumer = await grpcDriver.createConsumer(
  {
    ...common,
    group: 'gd-exit',
    instanceName: 'gd-exit-consumer',
    model: 'clustering',
    subscriptions: [{ topic, expression: '*' }],
  },
  () => {
    received++;
    return 'success';
  },
);
const producer = await grpcDriver.createProducer({
  ...common,
  group: 'gd-exit-producers',
  instanceName: 'gd-exit-producer',
});
await producer.send({ topic, body: Buffer.from('bye'), properties: {} });
const deadline = Date.now() + 15_000;
while (received === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
let started = Date.now();
await producer.close();
const producerCloseMs = Date.now() - started;
started = Date.now();
await consumer.close();
const consumerCloseMs = Date.now() - started;
console.log(`received ${received}, closed (producer ${producerCloseMs} ms, consumer ${consumerCloseMs} ms)`);
