package io.rmqchaos.worker.grpc;

import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ProducerClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.client.java.impl.producer.SendReceiptImpl;

/**
 * The gRPC Producer, async (sendAsync) or sync (send on the loop's pool). It sends NORMAL
 * messages only, as the Node gRPC driver: a sharding key would need a message group (FIFO
 * topics) and a delay a delivery timestamp (DELAY topics), which the proxy refuses on a normal
 * topic; both are left out, with a line in the log. oneway does not exist in this client.
 */
final class GrpcProducer implements ProducerClient {
  private final Producer producer;
  private final ClientServiceProvider provider = ClientServiceProvider.loadService();
  private final boolean async;

  GrpcProducer(Config.Producer config) throws Exception {
    if ("oneway".equals(config.sendMode)) {
      throw new IllegalArgumentException(
          "sendMode oneway needs the remoting client; the gRPC client has async and sync");
    }
    if (config.shardingKeys != null || config.delay != null) {
      System.err.println("shardingKeys and delay are ignored by the gRPC worker (normal messages only)");
    }
    this.async = "async".equals(config.sendMode);
    this.producer = provider.newProducerBuilder()
        .setClientConfiguration(Clients.configuration(config))
        .setTopics(config.topic)
        .build();
  }

  @Override
  public boolean blocking() {
    return !async;
  }

  @Override
  public void send(Outgoing out, Callback callback) {
    MessageBuilder builder = provider.newMessageBuilder().setTopic(out.topic()).setKeys(out.key()).setBody(out.body());
    if (out.tag() != null) builder.setTag(out.tag());
    for (Map.Entry<String, String> p : out.properties().entrySet()) builder.addProperty(p.getKey(), p.getValue());
    Message message = builder.build();
    if (async) {
      CompletableFuture<SendReceipt> future = producer.sendAsync(message);
      future.whenComplete((receipt, error) -> {
        if (error != null) callback.failed(error);
        else callback.sent(sent(receipt));
      });
      return;
    }
    try {
      callback.sent(sent(producer.send(message)));
    } catch (Exception e) {
      callback.failed(e);
    }
  }

  /** The proxy picks the queue and does not say which: `?` and -1, the offset when the receipt has one. */
  private static Sent sent(SendReceipt receipt) {
    long offset = receipt instanceof SendReceiptImpl impl ? impl.getOffset() : -1;
    return new Sent("?", -1, offset);
  }

  @Override
  public String errorKey(Throwable error) {
    return GrpcErrors.key(error);
  }

  @Override
  public void close() {
    try {
      producer.close();
    } catch (java.io.IOException e) {
      System.err.println("producer close failed: " + e);
    }
  }
}
