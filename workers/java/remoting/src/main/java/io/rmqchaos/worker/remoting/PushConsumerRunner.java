package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.AssignmentReporter;
import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ConsumerCore;
import io.rmqchaos.worker.Subscriptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * DefaultMQPushConsumer: concurrently (a failure → RECONSUME_LATER, redelivered through the
 * retry topic) or orderly (one at a time per queue under the broker lock; a failure →
 * SUSPEND_CURRENT_QUEUE_A_MOMENT, the same message again).
 */
final class PushConsumerRunner {
  private PushConsumerRunner() {}

  static AutoCloseable start(Config.Consumer config, ConsumerCore core, AssignmentReporter assignments)
      throws Exception {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(
        config.group, ClientHooks.of(config, new PullErrors(core.errors())), new AllocateMessageQueueAveragely());
    consumer.setNamesrvAddr(config.namesrvAddr);
    consumer.setPollNameServerInterval((int) config.routeRefreshMs);
    consumer.setInstanceName(config.instanceId);
    Models.apply(consumer, config.model);
    // deadLetter: each send-back carries this limit; the broker moves the message to %DLQ%<group> past it.
    if (config.deadLetter != null) consumer.setMaxReconsumeTimes(config.deadLetter.maxReconsumeTimes);
    for (Subscriptions.Entry s : Subscriptions.of(config.subscription)) {
      if (s.sql92()) consumer.subscribe(s.topic(), MessageSelector.bySql(s.expression()));
      else consumer.subscribe(s.topic(), s.expression());
    }
    if ("orderly".equals(config.consume)) {
      consumer.registerMessageListener((MessageListenerOrderly) (msgs, context) -> {
        for (MessageExt msg : msgs) {
          if (core.handle(Deliveries.of(msg, context.getMessageQueue())) == ConsumerCore.Outcome.RETRY) {
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
          }
        }
        return ConsumeOrderlyStatus.SUCCESS;
      });
    } else {
      consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
        // Batches are one message (consumeMessageBatchMaxSize 1): a retry answers for exactly that one.
        boolean retry = false;
        for (MessageExt msg : msgs) {
          retry |= core.handle(Deliveries.of(msg, context.getMessageQueue())) == ConsumerCore.Outcome.RETRY;
        }
        return retry ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      });
    }
    consumer.start();
    // Every rebalance change stamps a new subscription version that the client's own heartbeat may skip.
    SubscriptionAnnouncer announcer = new SubscriptionAnnouncer(
        consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl(),
        consumer.getDefaultMQPushConsumerImpl().getmQClientFactory());
    Map<MessageQueue, ProcessQueue> table =
        consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable();
    AssignmentPoller poller = new AssignmentPoller(() -> {
      List<MessageQueue> owned = new ArrayList<>();
      // A dropped process queue is being released; the rebalance removes it from the table next.
      for (Map.Entry<MessageQueue, ProcessQueue> e : table.entrySet()) {
        if (!e.getValue().isDropped()) owned.add(e.getKey());
      }
      return owned;
    }, assignments);
    return () -> {
      poller.close();
      announcer.close();
      // shutdown persists the offsets and unregisters the client from the brokers.
      consumer.shutdown();
    };
  }
}
