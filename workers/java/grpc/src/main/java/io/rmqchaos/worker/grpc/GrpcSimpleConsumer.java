package io.rmqchaos.worker.grpc;

import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ConsumerCore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * The gRPC SimpleConsumer, driven by one thread: receive a batch, handle each message, ack a
 * success; a retry is not acked but made invisible for RETRY_DELAY, after which the proxy
 * delivers it again with one more delivery attempt.
 */
final class GrpcSimpleConsumer {
  private static final int BATCH = 16;
  /** The proxy refuses a receive whose invisible duration is under 10 s. */
  private static final Duration INVISIBLE = Duration.ofSeconds(30);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
  /**
   * Long polling: the proxy's minimum (grpcClientConsumerMinLongPollingTimeoutMillis, 5 s; less
   * is refused with ILLEGAL_POLLING_TIME). A receive ends within it plus the request timeout.
   */
  private static final Duration AWAIT = Duration.ofSeconds(5);
  /** Await plus the 3 s request timeout plus a margin: still inside the worker's 10 s close deadline. */
  private static final long RECEIVE_ENDS_WITHIN_MS = 9_000;

  private GrpcSimpleConsumer() {}

  static AutoCloseable start(Config.Consumer config, ConsumerCore core, AtomicBoolean stop) throws Exception {
    SimpleConsumer consumer = ClientServiceProvider.loadService().newSimpleConsumerBuilder()
        .setClientConfiguration(Clients.configuration(config))
        .setConsumerGroup(config.group)
        .setSubscriptionExpressions(Clients.subscriptions(config))
        .setAwaitDuration(AWAIT)
        .build();
    Thread loop = new Thread(() -> {
      while (!stop.get()) {
        try {
          List<MessageView> batch = consumer.receive(BATCH, INVISIBLE);
          for (MessageView view : batch) {
            if (stop.get()) break; // unhandled: visible again after INVISIBLE
            if (core.handle(Clients.of(view)) == ConsumerCore.Outcome.RETRY) {
              consumer.changeInvisibleDuration(view, RETRY_DELAY);
            } else {
              consumer.ack(view);
            }
          }
        } catch (Exception e) {
          if (!stop.get()) System.err.println("simple consumer: " + e);
        }
      }
    }, "simple-consumer");
    loop.start();
    return () -> {
      stop.set(true);
      // A receive still running would hand out messages after stopped: wait for it to end.
      loop.join(RECEIVE_ENDS_WITHIN_MS);
      consumer.close();
    };
  }
}
