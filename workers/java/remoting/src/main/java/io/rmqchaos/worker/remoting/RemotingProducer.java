package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ProducerClient;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageQueue;

/** DefaultMQProducer in the config's send mode: async (callback), sync or oneway. */
final class RemotingProducer implements ProducerClient {
  /** The broker's timer reads this property (5.x brokers); set raw so 4.9 clients, with no setter, send it too. */
  private static final String TIMER_DELAY_MS = "TIMER_DELAY_MS";

  /** Same sharding key → same queue: |hashCode| % queues, as the Node driver and SelectMessageQueueByHash pick. */
  private static final MessageQueueSelector BY_KEY = (List<MessageQueue> mqs, Message msg, Object key) ->
      mqs.get(Math.abs(key.hashCode()) % mqs.size());

  private final DefaultMQProducer producer;
  private final String mode;

  RemotingProducer(Config.Producer config) {
    this.mode = config.sendMode;
    producer = new DefaultMQProducer(config.group, ClientHooks.of(config));
    producer.setNamesrvAddr(config.namesrvAddr);
    producer.setPollNameServerInterval((int) config.routeRefreshMs);
    producer.setInstanceName(config.producerId);
    try {
      producer.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("producer start failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean blocking() {
    return !"async".equals(mode);
  }

  @Override
  public void send(Outgoing out, Callback callback) {
    Message msg = new Message(out.topic(), out.tag() == null ? "" : out.tag(), out.key(), out.body());
    for (Map.Entry<String, String> p : out.properties().entrySet()) msg.putUserProperty(p.getKey(), p.getValue());
    if (out.deliverAfterMs() != null) MessageAccessor.putProperty(msg, TIMER_DELAY_MS, out.deliverAfterMs().toString());
    if (out.delayLevel() != null) msg.setDelayTimeLevel(out.delayLevel());
    String key = out.shardingKey();
    try {
      switch (mode) {
        case "sync" -> callback.sent(sent(key == null ? producer.send(msg) : producer.send(msg, BY_KEY, key)));
        case "oneway" -> {
          if (key == null) producer.sendOneway(msg);
          else producer.sendOneway(msg, BY_KEY, key);
          // An ack then only means the request left: no queue, no offset.
          callback.sent(new Sent("?", -1, -1));
        }
        default -> {
          SendCallback cb = new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
              callback.sent(sent(result));
            }

            @Override
            public void onException(Throwable e) {
              callback.failed(e);
            }
          };
          if (key == null) producer.send(msg, cb);
          else producer.send(msg, BY_KEY, key, cb);
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      callback.failed(e);
    }
  }

  private static Sent sent(SendResult result) {
    MessageQueue mq = result.getMessageQueue();
    return new Sent(mq == null ? "?" : mq.getBrokerName(), mq == null ? -1 : mq.getQueueId(), result.getQueueOffset());
  }

  @Override
  public String errorKey(Throwable error) {
    return SendErrorKeys.of(error);
  }

  @Override
  public void close() {
    producer.shutdown();
  }
}
