/**
 * Producer over rocketmq-client-nodejs's Producer: sends NORMAL messages (tag, keys, user
 * properties) through the proxy. The library retries a failed send itself (maxAttempts, 3 by
 * default as in the Java 5.x client) on another queue; every error that reaches the caller is a
 * GrpcDriverError with a countable reason (`proxy:TOO_MANY_REQUESTS(42900)`, `grpc:UNAVAILABLE(14)`).
 *
 * What the proxy does not tell: which queue stored the message. For messages without a
 * message group the proxy picks the queue itself (round-robin over all brokers' writable
 * queues), ignoring the one the client chose, and SendMessageResponse carries only the message
 * id and the queue offset. So SendResult has brokerName '' and queueId -1 (checked live
 * against 5.3.3: the client's receipt said queue 0 for messages stored in queues 0..3).
 */
import { Producer as LibraryProducer, type Endpoints } from 'rocketmq-client-nodejs';
import type { OutgoingMessage, Producer, ProducerOptions, SendResult } from '../driver.ts';
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
import { closedError, timeoutError, toGrpcDriverError } from './errors.ts';

export interface GrpcProducerOptions extends ProducerOptions {
  /** Attempts per send, the first included (library default 3). */
  maxAttempts?: number;
  tuning?: GrpcClientTuning;
}

/** The library's producer, with its telemetry streams tracked so close can end them for sure. */
class TrackedProducer extends LibraryProducer {
  readonly telemetryTracker = new TelemetryTracker();
  override createTelemetryStream(endpoints: Endpoints): TelemetryStream {
    return this.telemetryTracker.open(endpoints, (e) => super.createTelemetryStream(e));
  }
}

export class GrpcProducer implements Producer {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly client: TrackedProducer,
    private readonly options: GrpcProducerOptions,
    private readonly sendGuardMs: number,
  ) {}

  static async start(options: GrpcProducerOptions): Promise<GrpcProducer> {
    const tuning = options.tuning ?? {};
    // sendTimeoutMs, as in the other drivers, bounds one request to the proxy.
    const requestTimeoutMs = options.sendTimeoutMs ?? tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const maxAttempts = options.maxAttempts ?? 3;
    const client = new TrackedProducer({
      endpoints: options.endpoint ?? options.namesrvAddr,
      namespace: '',
      requestTimeout: requestTimeoutMs,
      maxAttempts,
      logger: libraryLogger(tuning.log),
    });
    await startGuarded(
      { client, telemetry: client.telemetryTracker },
      `producer ${options.instanceName}`,
      {
        timeoutMs: tuning.startTimeoutMs ?? 0,
        requestTimeoutMs,
        shutdownTimeoutMs: tuning.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      },
      tuning.log,
    );
    // Every attempt has its own gRPC deadline; the guard only catches a call the library never settles.
    return new GrpcProducer(client, options, maxAttempts * (requestTimeoutMs + 1000) + 1000);
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const what = `send to ${message.topic}`;
    if (this.closed) throw closedError('send', what);
    const work = this.client.send({
      topic: message.topic,
      body: message.body,
      ...(message.tag ? { tag: message.tag } : {}),
      ...(message.keys && message.keys.length > 0 ? { keys: message.keys } : {}),
      properties: new Map(Object.entries(message.properties)),
    });
    this.inFlight.add(work);
    try {
      const receipt = await withTimeout(work, this.sendGuardMs, () => timeoutError('send', what, this.sendGuardMs));
      return { msgId: receipt.messageId, brokerName: '', queueId: -1, queueOffset: Number(receipt.offset) };
    } catch (error) {
      throw toGrpcDriverError(error, 'send', what);
    } finally {
      this.inFlight.delete(work);
    }
  }

  /**
   * Waits (bounded) for sends in flight, tells the proxy the client is going, and releases
   * every connection, timer and stream: the process can exit right after.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const tuning = this.options.tuning ?? {};
    await withTimeout(
      Promise.allSettled([...this.inFlight]),
      this.sendGuardMs,
      () => new Error('sends still in flight'),
    ).catch(() => undefined);
    await shutdownGuarded(
      { client: this.client, telemetry: this.client.telemetryTracker },
      `producer ${this.options.instanceName}`,
      tuning.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      tuning.log,
    );
  }
}
