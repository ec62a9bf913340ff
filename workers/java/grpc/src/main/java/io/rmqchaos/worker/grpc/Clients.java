package io.rmqchaos.worker.grpc;

import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.Subscriptions;
import io.rmqchaos.worker.ReceivedMessage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.message.MessageView;

/** What the gRPC producer and consumers share: the client configuration, subscriptions, deliveries. */
final class Clients {
  private Clients() {}

  static ClientConfiguration configuration(Config.Client config) {
    if (config.endpoint == null || config.endpoint.isEmpty()) {
      throw new IllegalArgumentException("a gRPC fleet needs the proxy's endpoint (config.endpoint)");
    }
    if (config.brokerAddressMap != null && !config.brokerAddressMap.isEmpty()) {
      // The gRPC client dials only the proxy: broker addresses never reach it.
      System.err.println("brokerAddressMap ignored: the gRPC client talks to the proxy only");
    }
    return ClientConfiguration.newBuilder()
        .setEndpoints(config.endpoint)
        .enableSsl(false)
        .setRequestTimeout(Duration.ofSeconds(3))
        .build();
  }

  static Map<String, FilterExpression> subscriptions(Config.Consumer config) {
    Map<String, FilterExpression> out = new LinkedHashMap<>();
    for (Subscriptions.Entry s : Subscriptions.of(config.subscription)) {
      FilterExpressionType type = s.sql92() ? FilterExpressionType.SQL92 : FilterExpressionType.TAG;
      out.put(s.topic(), new FilterExpression(s.expression(), type));
    }
    return out;
  }

  /**
   * The queue a message was popped from comes from its receipt handle, as in the Node gRPC
   * driver (received-message.ts): `startOffset retrieveTime invisibleTime reviveQueueId
   * topicType brokerName queueId offset ...`; the public MessageView has no queue.
   */
  static ReceivedMessage of(MessageView view) {
    String broker = "";
    int queueId = -1;
    if (view instanceof org.apache.rocketmq.client.java.message.MessageViewImpl impl) {
      String[] parts = impl.getReceiptHandle().split(" ");
      if (parts.length >= 8) {
        try {
          queueId = Integer.parseInt(parts[6]);
          broker = parts[5];
        } catch (NumberFormatException ignored) {
          // not the 5.x handle shape: no queue, as the Node driver
        }
      }
    }
    return new ReceivedMessage(
        view.getProperties(),
        view.getTopic(),
        broker,
        queueId,
        view.getBornTimestamp(),
        // deliveryAttempt counts from 1; reconsumeTimes from 0.
        Math.max(0, view.getDeliveryAttempt() - 1),
        view.getTag().orElse(""));
  }
}
