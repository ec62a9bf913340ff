package io.rmqchaos.worker.grpc;

import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ConsumerCore;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;

/**
 * The gRPC PushConsumer: a failure answers FAILURE, and the message comes back after the
 * group's retry backoff. The client acks after the listener returns, so the receipt (written
 * inside the listener) is always out first. Orderly consumption in this client is a property of
 * the group and topic (FIFO), not of the listener: `consume` does not change what runs here.
 */
final class GrpcPushConsumer {
  private static final long CLOSE_WITHIN_MS = 5_000;

  private GrpcPushConsumer() {}

  static AutoCloseable start(Config.Consumer config, ConsumerCore core) throws Exception {
    PushConsumer consumer = ClientServiceProvider.loadService().newPushConsumerBuilder()
        .setClientConfiguration(Clients.configuration(config))
        .setConsumerGroup(config.group)
        .setSubscriptionExpressions(Clients.subscriptions(config))
        .setMessageListener(view ->
            core.handle(Clients.of(view)) == ConsumerCore.Outcome.RETRY ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS)
        .build();
    return () -> closeWithin(consumer, CLOSE_WITHIN_MS);
  }

  /**
   * The client's close waits for its long-polling receives (measured: up to 10 s and more), which
   * would outlast the worker's close deadline. Every message was acked when its listener
   * returned, so nothing is lost by leaving sooner: after this bound the worker goes on to say
   * stopped, and the proxy drops the client when its connection closes.
   */
  private static void closeWithin(PushConsumer consumer, long ms) throws InterruptedException {
    Thread close = new Thread(() -> {
      try {
        consumer.close();
      } catch (Exception e) {
        System.err.println("push consumer close failed: " + e);
      }
    }, "push-consumer-close");
    close.setDaemon(true);
    close.start();
    close.join(ms);
    if (close.isAlive()) System.err.println("push consumer close still running after " + ms + " ms; leaving");
  }
}
