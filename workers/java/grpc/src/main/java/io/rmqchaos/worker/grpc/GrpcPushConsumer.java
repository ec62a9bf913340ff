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
  private GrpcPushConsumer() {}

  static AutoCloseable start(Config.Consumer config, ConsumerCore core) throws Exception {
    PushConsumer consumer = ClientServiceProvider.loadService().newPushConsumerBuilder()
        .setClientConfiguration(Clients.configuration(config))
        .setConsumerGroup(config.group)
        .setSubscriptionExpressions(Clients.subscriptions(config))
        .setMessageListener(view ->
            core.handle(Clients.of(view)) == ConsumerCore.Outcome.RETRY ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS)
        .build();
    return consumer::close;
  }
}
