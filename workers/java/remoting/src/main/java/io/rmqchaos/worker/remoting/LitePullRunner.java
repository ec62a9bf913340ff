package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.AssignmentReporter;
import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ConsumerCore;
import io.rmqchaos.worker.Subscriptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * DefaultLitePullConsumer, polled by one thread: subscribed (the group rebalances) or, with
 * `assign`, the subscribed topics' queues sorted by topic, broker and queue id at positions p
 * with p % count == index.
 *
 * A `retry` outcome seeks the queue back to the failed message, so it is pulled again; the rest
 * of that queue's polled batch is skipped (it follows the failed message and comes again too).
 * Offsets are committed by hand after each batch, never past a message not yet answered
 * success: auto-commit would commit what poll() returned, including messages behind a pending
 * seek. Until the seek shows (the failed offset polled again), later messages of that queue still
 * in the client's buffer are stale and skipped.
 */
final class LitePullRunner {
  private static final long POLL_MS = 100;
  private static final Comparator<MessageQueue> ORDER = Comparator.comparing(MessageQueue::getTopic)
      .thenComparing(MessageQueue::getBrokerName)
      .thenComparingInt(MessageQueue::getQueueId);

  private final DefaultLitePullConsumer consumer;
  private final ConsumerCore core;
  private final AtomicBoolean stop;
  /** Queue → the offset it was sought back to, until that offset is polled again. */
  private final Map<MessageQueue, Long> pendingSeeks = new HashMap<>();

  private LitePullRunner(DefaultLitePullConsumer consumer, ConsumerCore core, AtomicBoolean stop) {
    this.consumer = consumer;
    this.core = core;
    this.stop = stop;
  }

  static AutoCloseable start(
      Config.Consumer config, ConsumerCore core, AssignmentReporter assignments, AtomicBoolean stop) throws Exception {
    DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(config.group, ClientHooks.of(config, new PullErrors(core.errors())));
    consumer.setNamesrvAddr(config.namesrvAddr);
    consumer.setPollNameServerInterval((int) config.routeRefreshMs);
    consumer.setInstanceName(config.instanceId);
    Models.apply(consumer, config.model);
    consumer.setAutoCommit(false);
    if (config.assign == null) {
      for (Subscriptions.Entry s : Subscriptions.of(config.subscription)) {
        if (s.sql92()) consumer.subscribe(s.topic(), MessageSelector.bySql(s.expression()));
        else consumer.subscribe(s.topic(), s.expression());
      }
      consumer.start();
    } else {
      // Assigned queues take a tag expression only (setSubExpressionForAssign); validation
      // refuses pull: assign with SQL92 on this driver.
      for (Subscriptions.Entry s : Subscriptions.of(config.subscription)) {
        if (s.sql92()) throw new IllegalArgumentException("pull: assign cannot take a SQL92 subscription");
        consumer.setSubExpressionForAssign(s.topic(), s.expression());
      }
      consumer.start();
      List<MessageQueue> all = new ArrayList<>();
      for (String topic : config.subscription.keySet()) all.addAll(consumer.fetchMessageQueues(topic));
      all.sort(ORDER);
      List<MessageQueue> mine = new ArrayList<>();
      for (int p = 0; p < all.size(); p++) if (p % config.assign.count == config.assign.index) mine.add(all.get(p));
      consumer.assign(mine);
    }
    AssignmentPoller poller = new AssignmentPoller(() -> assignment(consumer), assignments);
    LitePullRunner runner = new LitePullRunner(consumer, core, stop);
    Thread loop = new Thread(runner::loop, "lite-pull");
    loop.start();
    return () -> {
      stop.set(true);
      loop.join(5_000);
      poller.close();
      // shutdown persists the committed offsets and unregisters the client from the brokers.
      consumer.shutdown();
    };
  }

  private static Collection<MessageQueue> assignment(DefaultLitePullConsumer consumer) {
    try {
      return consumer.assignment();
    } catch (Exception e) {
      return List.of();
    }
  }

  private void loop() {
    while (!stop.get()) {
      try {
        batch(consumer.poll(POLL_MS));
      } catch (RuntimeException e) {
        System.err.println("lite pull poll failed: " + e);
      }
    }
  }

  private void batch(List<MessageExt> msgs) {
    if (msgs.isEmpty()) return;
    Map<MessageQueue, Long> commit = new HashMap<>();
    Set<MessageQueue> failed = new HashSet<>();
    for (MessageExt msg : msgs) {
      MessageQueue mq = queueOf(msg);
      if (failed.contains(mq)) continue;
      Long seekTo = pendingSeeks.get(mq);
      if (seekTo != null) {
        if (msg.getQueueOffset() > seekTo) continue; // pulled before the seek took effect
        pendingSeeks.remove(mq);
      }
      if (core.handle(Deliveries.of(msg, mq)) == ConsumerCore.Outcome.RETRY) {
        failed.add(mq);
        try {
          consumer.seek(mq, msg.getQueueOffset());
          pendingSeeks.put(mq, msg.getQueueOffset());
        } catch (Exception e) {
          // The queue was rebalanced away: its new owner starts from the committed offset, before this message.
          System.err.println("seek " + mq + " to " + msg.getQueueOffset() + " failed: " + e);
        }
      } else {
        commit.put(mq, msg.getQueueOffset() + 1);
      }
    }
    if (!commit.isEmpty()) consumer.commitSync(commit, false);
  }

  private MessageQueue queueOf(MessageExt msg) {
    String broker = msg.getBrokerName();
    if (broker == null || broker.isEmpty()) {
      // Older clients leave brokerName unset on pulled messages: take it from the owned queue with this id.
      for (MessageQueue mq : assignment(consumer)) {
        if (mq.getTopic().equals(msg.getTopic()) && mq.getQueueId() == msg.getQueueId()) return mq;
      }
    }
    return new MessageQueue(msg.getTopic(), broker, msg.getQueueId());
  }
}
