/**
 * Child process for the remoting driver's "nothing keeps the process alive" test: sends one
 * message, consumes it, closes both clients and then simply returns. It never calls
 * process.exit, so the process ends only if every socket and timer was released.
 */
import { remotingDriver } from '../../../src/drivers/remoting/index.ts';

const [namesrvAddr, topic] = process.argv.slice(2) as [string, string];
let received = 0;
const consumer = await remotingDriver.createConsumer(
  {
    namesrvAddr,
    group: 'rd-exit',
    instanceName: 'rd-exit-consumer',
    model: 'clustering',
    subscriptions: [{ topic, expression: '*' }],
  },
  () => {
    received++;
    return 'success';
  },
);
const producer = await remotingDriver.createProducer({
  namesrvAddr,
  group: 'rd-exit-producers',
  instanceName: 'rd-exit-producer',
});
await producer.send({ topic, body: Buffer.from('bye'), properties: {} });
const deadline = Date.now() + 15_000;
while (received === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
await producer.close();
await consumer.close();
console.log(`received ${received}, closed`);
