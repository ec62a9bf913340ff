/**
 * Start and shutdown of rocketmq-client-nodejs clients (Producer, SimpleConsumer), with the
 * guards the 1.0.8 library needs to be used inside a harness that must never hang and whose
 * processes must exit by themselves once their clients are closed:
 *
 * - `startup()` waits for the proxy's first settings command with no timeout (a frozen proxy
 *   hangs it forever) and, on failure, leaves its 60 s idle-check interval running. We bound it
 *   and shut the client down when it fails.
 * - `shutdown()` ends the telemetry stream with a half-close only; the stream (a gRPC call
 *   without deadline, which keeps the process alive) stays open until the proxy answers, which
 *   a paused or partitioned proxy never does. It also removes every listener from the stream,
 *   so an error the proxy sends later would be an unhandled 'error' event. We bound shutdown and
 *   then cancel every telemetry stream the client opened, with an error listener attached.
 * - `shutdown()` first tells the proxy the client is going (NotifyClientTermination) and
 *   gives up when that fails, before it releases streams and closes its channels and their
 *   60 s idle-check interval: with a proxy that is down or frozen, the process never exits
 *   (seen live with a SIGSTOPped proxy). After a failed or timed-out shutdown we close the
 *   channels ourselves through the public `getRpcClientManager()`.
 * - A telemetry stream that ended or failed is renewed by a 1 s timer that shutdown does not
 *   clear; after close that would open a fresh stream on a fresh channel. Once closed, the
 *   tracker hands out an inert stream instead.
 *
 * Everything here works through the library's public surface (`createTelemetryStream` is a
 * public method subclasses override), not its private fields.
 */
import { Duplex } from 'node:stream';
import { format } from 'node:util';
import type { Endpoints, ILogger, Producer } from 'rocketmq-client-nodejs';
import { timeoutError, toGrpcDriverError, type GrpcOperation } from './errors.ts';

export type TelemetryStream = ReturnType<Producer['createTelemetryStream']>;

/** The slice of the library's BaseClient this file manages. */
export interface LibraryClient {
  startup(): Promise<void>;
  shutdown(): Promise<void>;
  getRpcClientManager(): { close(): void };
}

export type Log = (line: string) => void;

/** Settings every grpc client (producer or consumer) takes. */
export interface GrpcClientTuning {
  /** Deadline of each gRPC request (the library's `requestTimeout`: default 3000, minimum 1000). */
  requestTimeoutMs?: number;
  /** Bound on startup; never below what the library's route phase can take (see routePhaseMs). */
  startTimeoutMs?: number;
  /** Bound on the library's shutdown: 5 s. */
  shutdownTimeoutMs?: number;
  /** Library warnings and errors, and the driver's own notes. */
  log?: Log;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 3000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

/** Resolves or rejects with `work`, or rejects with `onTimeout()` after `ms`; never leaves a timer behind. */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The library logs through an egg-logger file in ~/logs/rocketmq unless given a logger.
 * Its info lines (every route refresh and settings sync) are noise here; warnings and errors
 * go to the driver's log callback, formatted like console.log (the library uses %s/%d/%j).
 */
export function libraryLogger(log: Log | undefined): ILogger {
  const emit =
    (level: string) =>
    (...args: unknown[]) =>
      log?.(`${level} ${format(...args)}`);
  return { info: () => {}, debug: () => {}, warn: emit('warn'), error: emit('error'), close: () => {} };
}

/**
 * Remembers every telemetry stream a client opens, so they can be cancelled after shutdown,
 * and stops opening real ones once the client is closed.
 */
export class TelemetryTracker {
  private readonly streams = new Set<TelemetryStream>();
  private closed = false;

  open(endpoints: Endpoints, create: (endpoints: Endpoints) => TelemetryStream): TelemetryStream {
    if (this.closed) return inertStream();
    const stream = create(endpoints);
    this.streams.add(stream);
    return stream;
  }

  /** No new streams from now on (a renewal timer still pending gets an inert one). */
  stopOpening(): void {
    this.closed = true;
  }

  /** Cancels every stream still open; the listener keeps the CANCELLED status from being an unhandled error. */
  cancelAll(): void {
    this.closed = true;
    for (const stream of this.streams) {
      stream.on('error', () => {});
      stream.cancel();
    }
    this.streams.clear();
  }

  get opened(): number {
    return this.streams.size;
  }
}

/** Swallows writes, never emits data, holds no socket or timer: what a closed client's renewal timer gets. */
function inertStream(): TelemetryStream {
  const stream = new Duplex({
    objectMode: true,
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
  });
  return Object.assign(stream, { cancel() {} }) as unknown as TelemetryStream;
}

export interface GuardedClient {
  client: LibraryClient;
  telemetry: TelemetryTracker;
}

/**
 * The longest the library's startup spends on routes: 3 attempts of one request each, with
 * 1 s and 2 s pauses between them. Only after that does it create its periodic timers, so a
 * start timeout must not fire before: a shutdown that ran earlier would miss those timers and
 * they would keep the process alive. What comes after (waiting for settings) is safe to cut.
 */
export function routePhaseMs(requestTimeoutMs: number): number {
  return 3 * requestTimeoutMs + 3000;
}

/** Starts `client` within `timeoutMs`; on any failure shuts it down (bounded) and throws a GrpcDriverError. */
export async function startGuarded(
  guarded: GuardedClient,
  what: string,
  requested: { timeoutMs: number; requestTimeoutMs: number; shutdownTimeoutMs: number },
  log?: Log,
): Promise<void> {
  const timeoutMs = Math.max(requested.timeoutMs, routePhaseMs(requested.requestTimeoutMs) + 1000);
  const shutdownTimeoutMs = requested.shutdownTimeoutMs;
  try {
    await withTimeout(guarded.client.startup(), timeoutMs, () => timeoutError('start', what, timeoutMs));
  } catch (error) {
    await shutdownGuarded(guarded, what, shutdownTimeoutMs, log);
    throw toGrpcDriverError(error, 'start', what);
  }
}

/**
 * Shuts `client` down within `timeoutMs` (a failure or timeout is logged, not thrown: the
 * caller is closing anyway), then cancels whatever telemetry stream is still open.
 */
export async function shutdownGuarded(
  guarded: GuardedClient,
  what: string,
  timeoutMs: number,
  log?: Log,
): Promise<void> {
  guarded.telemetry.stopOpening();
  const operation: GrpcOperation = 'shutdown';
  try {
    await withTimeout(guarded.client.shutdown(), timeoutMs, () => timeoutError(operation, what, timeoutMs));
  } catch (error) {
    log?.(`${toGrpcDriverError(error, operation, `${what} shutdown`).message}; closing its channels anyway`);
    // What the library's shutdown skipped: channels and the idle-check interval. Closing twice is harmless.
    guarded.client.getRpcClientManager().close();
  } finally {
    guarded.telemetry.cancelAll();
  }
}
