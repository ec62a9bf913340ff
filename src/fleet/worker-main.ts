/**
 * A fleet worker: one client instance (producer or consumer) in its own OS process, as a JVM
 * would be in production, so kill/pause/restart faults are real. Started by the coordinator
 * with a transport to it (Node IPC); says hello first, exits when told to stop, or when the
 * coordinator disappears.
 */
import { getDriver } from '../drivers/registry.ts';
import { fromWorker, toWorker, WORKER_PROTOCOL_VERSION, type FromWorker } from './protocol.ts';
import { runConsumer } from './consumer-runner.ts';
import { LiveRate } from './live-rate.ts';
import { runProducer } from './producer-loop.ts';
import { IpcTransport } from './transport/ipc-transport.ts';
import type { WorkerTransport } from './transport/worker-transport.ts';

const CLOSE_DEADLINE_MS = 10_000;

const coordinator: WorkerTransport<FromWorker> = new IpcTransport<FromWorker>(process);

function send(message: FromWorker): void {
  // Validate outgoing too: a malformed message is our bug and should fail here, loudly.
  coordinator.send(fromWorker.parse(message));
}

const stop = new AbortController();
const rates = new LiveRate();
let closeClient: (() => Promise<void>) | undefined;
let finished: Promise<void> | undefined;

async function shutdown(exitCode: number): Promise<void> {
  stop.abort();
  const deadline = setTimeout(() => process.exit(exitCode || 1), CLOSE_DEADLINE_MS);
  deadline.unref();
  try {
    await closeClient?.();
    await finished;
  } catch (error) {
    send({ type: 'log', level: 'warn', message: `close failed: ${String(error)}` });
  }
  send({ type: 'stopped' });
  coordinator.close();
  process.exitCode = exitCode;
}

coordinator.onMessage((raw) => {
  const parsed = toWorker.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'log', level: 'error', message: `bad message from coordinator: ${parsed.error.message}` });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start-producer':
      finished = runProducer(message.config, getDriver(message.config.driver), send, stop.signal, rates).then(
        // A producer's work has an end: once its load is sent, it leaves by itself.
        () => {
          if (!stop.signal.aborted) void shutdown(0);
        },
        (error: unknown) => {
          send({
            type: 'log',
            level: 'error',
            message: `producer failed: ${error instanceof Error ? error.message : String(error)}`,
          });
          void shutdown(1);
        },
      );
      send({ type: 'ready' });
      break;
    case 'start-consumer':
      runConsumer(message.config, getDriver(message.config.driver), send).then(
        (close) => {
          closeClient = close;
          send({ type: 'ready' });
        },
        (error: unknown) => {
          send({
            type: 'log',
            level: 'error',
            message: `consumer failed to start: ${error instanceof Error ? error.message : String(error)}`,
          });
          process.exitCode = 1;
          coordinator.close();
        },
      );
      break;
    case 'set-rate':
      rates.set(message.ratePerSecond);
      break;
    case 'stop':
      void shutdown(0);
      break;
  }
});

// The coordinator (or the agent carrying our reports) died: nobody reads our results, so leave
// now, without closing the client. A close would commit the offsets of deliveries whose receipts
// went nowhere, turning them into losses nobody saw; exiting commits nothing, as a host that dies
// would, so those messages are delivered again to an instance someone still hears.
coordinator.onClose(() => {
  if (!stop.signal.aborted) process.exit(1);
});

// First, before any command: the version this worker speaks, so a coordinator on another
// version refuses it instead of handing it a config it would read differently.
send({ type: 'hello', protocolVersion: WORKER_PROTOCOL_VERSION, pid: process.pid, implementation: 'node' });
