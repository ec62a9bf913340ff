/**
 * A fleet worker: one client instance (producer or consumer) in its own OS process, as a JVM
 * would be in production, so kill/pause/restart faults are real. Started by the coordinator
 * with an IPC channel; exits when told to stop, or when the coordinator disappears.
 */
import { getDriver } from '../drivers/registry.ts';
import { fromWorker, toWorker, type FromWorker } from './protocol.ts';
import { runConsumer } from './consumer-runner.ts';
import { runProducer } from './producer-loop.ts';

const CLOSE_DEADLINE_MS = 10_000;

function send(message: FromWorker): void {
  // Validate outgoing too: a malformed message is our bug and should fail here, loudly.
  if (process.connected) process.send!(fromWorker.parse(message));
}

const stop = new AbortController();
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
  process.disconnect?.();
  process.exitCode = exitCode;
}

process.on('message', (raw) => {
  const parsed = toWorker.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'log', level: 'error', message: `bad message from coordinator: ${parsed.error.message}` });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start-producer':
      finished = runProducer(message.config, getDriver(message.config.driver), send, stop.signal).then(
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
      send({ type: 'ready', pid: process.pid });
      break;
    case 'start-consumer':
      runConsumer(message.config, getDriver(message.config.driver), send).then(
        (close) => {
          closeClient = close;
          send({ type: 'ready', pid: process.pid });
        },
        (error: unknown) => {
          send({
            type: 'log',
            level: 'error',
            message: `consumer failed to start: ${error instanceof Error ? error.message : String(error)}`,
          });
          process.exitCode = 1;
          process.disconnect?.();
        },
      );
      break;
    case 'stop':
      void shutdown(0);
      break;
  }
});

// The coordinator died (or was killed with -9): nobody reads our results, so leave now.
process.on('disconnect', () => {
  if (!stop.signal.aborted) void shutdown(1).finally(() => process.exit(1));
});
