import { EventEmitter } from 'node:events';
import type { Endpoints } from 'rocketmq-client-nodejs';
import { describe, expect, it, vi } from 'vitest';
import {
  TelemetryTracker,
  libraryLogger,
  routePhaseMs,
  shutdownGuarded,
  startGuarded,
  withTimeout,
  type LibraryClient,
  type TelemetryStream,
} from '../../../../src/drivers/grpc/client-lifecycle.ts';
import { GrpcDriverError } from '../../../../src/drivers/grpc/errors.ts';

const endpoints = {} as Endpoints;
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** A telemetry call that, like grpc-js, emits 'error' (CANCELLED) when cancelled. */
class FakeStream extends EventEmitter {
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
    this.emit('error', new Error('1 CANCELLED: Cancelled on client'));
  }
}

class FakeClient implements LibraryClient {
  channelsClosed = 0;
  shutdowns = 0;
  constructor(private readonly behaviour: { startup?: () => Promise<void>; shutdown?: () => Promise<void> } = {}) {}
  startup(): Promise<void> {
    return this.behaviour.startup?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    this.shutdowns++;
    return this.behaviour.shutdown?.() ?? Promise.resolve();
  }
  getRpcClientManager() {
    return { close: () => void this.channelsClosed++ };
  }
}

describe('withTimeout', () => {
  it('passes a result through and leaves no timer behind', async () => {
    const before = timers();
    expect(await withTimeout(Promise.resolve(7), 60_000, () => new Error('late'))).toBe(7);
    await expect(withTimeout(Promise.reject(new Error('own')), 60_000, () => new Error('late'))).rejects.toThrow('own');
    expect(timers()).toBe(before);
  });

  it('rejects with onTimeout() when the work does not settle', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, () => new Error('late'))).rejects.toThrow('late');
  });
});

describe('libraryLogger', () => {
  it('drops info and debug, formats warnings and errors like console.log', () => {
    const lines: string[] = [];
    const logger = libraryLogger((l) => lines.push(l));
    logger.info('Startup the rocketmq client, clientId=%s', 'x');
    logger.debug?.('debug %d', 1);
    logger.warn('Heartbeat failed for endpoints=%s, error=%s', '127.0.0.1:8081', 'boom');
    logger.error('count=%d', 3);
    expect(lines).toEqual(['warn Heartbeat failed for endpoints=127.0.0.1:8081, error=boom', 'error count=3']);
    expect(() => libraryLogger(undefined).error('nobody listens')).not.toThrow();
  });
});

describe('TelemetryTracker', () => {
  it('cancels every stream it opened, with an error listener so CANCELLED is not an unhandled error', () => {
    const tracker = new TelemetryTracker();
    const streams = [new FakeStream(), new FakeStream()];
    let i = 0;
    for (const _ of streams) tracker.open(endpoints, () => streams[i++] as unknown as TelemetryStream);
    expect(tracker.opened).toBe(2);
    // The library's release() removes every listener before we get to cancel.
    for (const s of streams) s.removeAllListeners();
    expect(() => tracker.cancelAll()).not.toThrow();
    expect(streams.every((s) => s.cancelled)).toBe(true);
    expect(tracker.opened).toBe(0);
  });

  it('after stopOpening hands out an inert stream: writes vanish, nothing is emitted, nothing is opened', async () => {
    const tracker = new TelemetryTracker();
    tracker.stopOpening();
    let created = 0;
    const stream = tracker.open(endpoints, () => {
      created++;
      return new FakeStream() as unknown as TelemetryStream;
    });
    expect(created).toBe(0);
    const events: string[] = [];
    stream.on('data', () => events.push('data'));
    stream.once('error', () => events.push('error'));
    expect(() => stream.write({} as never)).not.toThrow();
    stream.cancel();
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([]);
  });
});

describe('startGuarded and shutdownGuarded', () => {
  it('never cuts startup before the library could have created its timers', () => {
    expect(routePhaseMs(3000)).toBe(12_000);
  });

  it('a startup that fails shuts the client down and throws a GrpcDriverError', async () => {
    const client = new FakeClient({
      startup: () =>
        Promise.reject(Object.assign(new Error('14 UNAVAILABLE'), { code: 14, details: 'refused', metadata: {} })),
    });
    const telemetry = new TelemetryTracker();
    const error = await startGuarded({ client, telemetry }, 'consumer c', {
      timeoutMs: 0,
      requestTimeoutMs: 1000,
      shutdownTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrpcDriverError);
    expect((error as GrpcDriverError).reason).toBe('grpc:UNAVAILABLE(14)');
    expect(client.shutdowns).toBe(1);
  });

  it('a startup that hangs times out (not before the route phase), then shuts the client down', async () => {
    vi.useFakeTimers();
    try {
      const client = new FakeClient({ startup: () => new Promise(() => {}) });
      let settled: unknown;
      void startGuarded({ client, telemetry: new TelemetryTracker() }, 'producer p', {
        timeoutMs: 10,
        requestTimeoutMs: 1,
        shutdownTimeoutMs: 100,
      }).catch((e: unknown) => (settled = e));
      // routePhaseMs(1) + 1000 = 4003 ms at least, whatever was asked for.
      await vi.advanceTimersByTimeAsync(4002);
      expect(settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect((settled as GrpcDriverError).reason).toBe('timeout');
      expect(client.shutdowns).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it(
    'a shutdown that fails (NotifyClientTermination to a dead ' +
      'proxy) still closes the channels and cancels streams',
    async () => {
      const lines: string[] = [];
      const client = new FakeClient({
        shutdown: () =>
          Promise.reject(
            Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4, details: 'Deadline exceeded', metadata: {} }),
          ),
      });
      const telemetry = new TelemetryTracker();
      const stream = new FakeStream();
      telemetry.open(endpoints, () => stream as unknown as TelemetryStream);
      await shutdownGuarded({ client, telemetry }, 'consumer c', 1000, (l) => lines.push(l));
      expect(client.channelsClosed).toBe(1);
      expect(stream.cancelled).toBe(true);
      expect(lines).toEqual([
        'consumer c shutdown failed: DEADLINE_EXCEEDED(4) Deadline exceeded; closing its channels anyway',
      ]);
    },
  );

  it('a shutdown that hangs is cut at its timeout; a clean one leaves the channels to the library', async () => {
    const hanging = new FakeClient({ shutdown: () => new Promise(() => {}) });
    await shutdownGuarded({ client: hanging, telemetry: new TelemetryTracker() }, 'producer p', 20);
    expect(hanging.channelsClosed).toBe(1);
    const clean = new FakeClient();
    await shutdownGuarded({ client: clean, telemetry: new TelemetryTracker() }, 'producer p', 1000);
    expect(clean.channelsClosed).toBe(0);
  });
});
