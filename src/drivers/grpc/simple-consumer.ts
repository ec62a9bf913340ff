/**
 * Pop consumption through rocketmq-client-nodejs's SimpleConsumer, typed for the driver:
 * receive a batch (each message stays invisible to the group for `invisibleDurationMs`),
 * then ack it or change its invisible duration (a nack: it comes back after that time with
 * one more delivery attempt). The library's MessageView stays inside this file.
 *
 * Proxy rules this respects (5.3.3, ProxyConfig defaults): a receive's invisible duration must
 * be at least 10 s (minInvisibleTimeMillsForRecv; changeInvisibleDuration has no minimum), and
 * the long-polling time is clamped to 5..20 s (grpcClientConsumer{Min,Max}LongPollingTimeoutMillis).
 *
 * The hang this guards against: a receive is a long poll with a gRPC deadline of
 * requestTimeout + awaitDuration, and the library's shutdown does not cancel it, so a
 * receive still running after shutdown keeps the process alive until it returns (seen live:
 * 5 s after shutdown with awaitDuration 5 s). close() therefore waits for running receives
 * (they end by their deadline) before shutting the client down.
 */
import { SimpleConsumer as LibrarySimpleConsumer, type Endpoints, type MessageView } from 'rocketmq-client-nodejs';
import type { ReceivedMessage } from '../driver.ts';
import type { Subscription } from '../../protocol/index.ts';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  TelemetryTracker,
  libraryLogger,
  shutdownGuarded,
  startGuarded,
  withTimeout,
  type GrpcClientTuning,
  type TelemetryStream,
} from './client-lifecycle.ts';
import { closedError, timeoutError, toGrpcDriverError, type GrpcOperation } from './errors.ts';
import { toReceivedMessage } from './received-message.ts';
import { UsageError } from '../../util/errors.ts';

export const MIN_RECEIVE_INVISIBLE_MS = 10_000;
export const MIN_AWAIT_DURATION_MS = 5_000;
export const MAX_AWAIT_DURATION_MS = 20_000;

export interface GrpcSimpleConsumerOptions {
  /** The proxy's gRPC endpoint, `host:port`. */
  endpoint: string;
  group: string;
  instanceName: string;
  /** One entry per topic, with its tag expression (`*`, `TagA || TagB`); the library parses it. */
  subscriptions: readonly Subscription[];
  /** Long-polling time of one receive: 5 s (the proxy's minimum, so close waits least). */
  awaitDurationMs?: number;
  tuning?: GrpcClientTuning;
}

/** One received message; the consumer that received it settles it (ack or nack). */
export class PoppedMessage {
  readonly receivedAt = Date.now();
  constructor(readonly message: ReceivedMessage) {}
}

/** The library's view of each PoppedMessage (its receipt handle is what ack and nack send), kept out of the type. */
const views = new WeakMap<PoppedMessage, MessageView>();

function viewOf(popped: PoppedMessage): MessageView {
  const view = views.get(popped);
  if (!view) throw new UsageError('this message was not received by a grpc consumer');
  return view;
}

/** The library's consumer, with its telemetry streams tracked so close can end them for sure. */
class TrackedSimpleConsumer extends LibrarySimpleConsumer {
  readonly telemetryTracker = new TelemetryTracker();
  override createTelemetryStream(endpoints: Endpoints): TelemetryStream {
    return this.telemetryTracker.open(endpoints, (e) => super.createTelemetryStream(e));
  }
}

export class GrpcSimpleConsumer {
  private closed = false;
  private readonly receiving = new Set<Promise<unknown>>();

  private constructor(
    private readonly client: TrackedSimpleConsumer,
    private readonly options: GrpcSimpleConsumerOptions,
    private readonly requestTimeoutMs: number,
    readonly awaitDurationMs: number,
  ) {}

  static async start(options: GrpcSimpleConsumerOptions): Promise<GrpcSimpleConsumer> {
    const tuning = options.tuning ?? {};
    const requestTimeoutMs = tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const awaitDurationMs = Math.min(
      MAX_AWAIT_DURATION_MS,
      Math.max(MIN_AWAIT_DURATION_MS, options.awaitDurationMs ?? MIN_AWAIT_DURATION_MS),
    );
    const client = new TrackedSimpleConsumer({
      endpoints: options.endpoint,
      namespace: '',
      consumerGroup: options.group,
      subscriptions: new Map(options.subscriptions.map((s) => [s.topic, s.expression])),
      awaitDuration: awaitDurationMs,
      requestTimeout: requestTimeoutMs,
      // One attempt per receive: the caller's loop decides when to try again, and one attempt
      // has one deadline, which is what close() relies on.
      maxRetryAttempts: 1,
      logger: libraryLogger(tuning.log),
    });
    await startGuarded(
      { client, telemetry: client.telemetryTracker },
      `consumer ${options.instanceName} of ${options.group}`,
      {
        timeoutMs: tuning.startTimeoutMs ?? 0,
        requestTimeoutMs,
        shutdownTimeoutMs: tuning.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      },
      tuning.log,
    );
    return new GrpcSimpleConsumer(client, options, requestTimeoutMs, awaitDurationMs);
  }

  /** The longest one receive can take: its gRPC deadline, plus slack for the library's bookkeeping. */
  get receiveBoundMs(): number {
    return this.requestTimeoutMs + this.awaitDurationMs + 1000;
  }

  /** Long-polls one subscribed topic (round-robin) on one broker for up to `maxMessages`. */
  async receive(maxMessages: number, invisibleDurationMs: number): Promise<PoppedMessage[]> {
    const what = `receive for ${this.options.group}`;
    if (this.closed) throw closedError('receive', what);
    const work = this.client.receive(maxMessages, Math.max(MIN_RECEIVE_INVISIBLE_MS, invisibleDurationMs));
    this.receiving.add(work);
    try {
      const received = await withTimeout(work, this.receiveBoundMs, () =>
        timeoutError('receive', what, this.receiveBoundMs),
      );
      return received.map((view) => {
        const popped = new PoppedMessage(toReceivedMessage(view));
        views.set(popped, view);
        return popped;
      });
    } catch (error) {
      throw toGrpcDriverError(error, 'receive', what);
    } finally {
      this.receiving.delete(work);
    }
  }

  async ack(popped: PoppedMessage): Promise<void> {
    await this.settle('ack', popped, () => this.client.ack(viewOf(popped)));
  }

  /**
   * Makes the message invisible for `ms` from now (0: visible again at once); it then comes back with one more delivery
   * attempt.
   */
  async changeInvisibleDuration(popped: PoppedMessage, ms: number): Promise<void> {
    await this.settle('nack', popped, () => this.client.changeInvisibleDuration(viewOf(popped), Math.max(0, ms)));
  }

  private async settle(operation: GrpcOperation, popped: PoppedMessage, call: () => Promise<void>): Promise<void> {
    const what = `${operation} of ${popped.message.msgId}`;
    // After shutdown the library would open a new channel for the call; the message comes back by itself instead.
    if (this.closed) throw closedError(operation, what);
    const boundMs = this.requestTimeoutMs + 1000;
    try {
      await withTimeout(call(), boundMs, () => timeoutError(operation, what, boundMs));
    } catch (error) {
      throw toGrpcDriverError(error, operation, what);
    }
  }

  /** Waits for running receives (bounded by their deadline), then shuts the client down. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const tuning = this.options.tuning ?? {};
    await withTimeout(
      Promise.allSettled([...this.receiving]),
      this.receiveBoundMs,
      () => new Error('receives still running'),
    ).catch(() => undefined);
    await shutdownGuarded(
      { client: this.client, telemetry: this.client.telemetryTracker },
      `consumer ${this.options.instanceName}`,
      tuning.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      tuning.log,
    );
  }
}
