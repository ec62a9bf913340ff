package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.Identity;
import io.rmqchaos.worker.ProducerClient;
import io.rmqchaos.worker.TransactionChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.hook.SendMessageContext;
import org.apache.rocketmq.client.hook.SendMessageHook;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * TransactionMQProducer with a listener that plays the plan's transactions: the local
 * transaction takes endDelayMs and ends as TransactionChoice.local says; a check-back (about any
 * instance's half) answers TransactionChoice.checkAnswer after checkDelayMs and is recorded for
 * the coordinator. sendMessageInTransaction blocks through the local transaction, so the loop
 * runs sends on its pool. The ack is reported as soon as the half is stored (a send hook on the
 * sending thread), as the Node producer does, not after END_TRANSACTION: a producer killed in its
 * local transactions has then reported the halves the broker will check back about.
 */
final class TransactionalProducer implements ProducerClient {
  private final TransactionMQProducer producer;
  private final Config.Producer config;
  private final Object lock = new Object();
  private List<List<Object>> checkBacks = new ArrayList<>();
  /** The send in progress on this thread, until its half is acked (sendMessageInTransaction is synchronous). */
  private final ThreadLocal<Callback> sending = new ThreadLocal<>();

  TransactionalProducer(Config.Producer config) {
    this.config = config;
    producer = new TransactionMQProducer(config.group, ClientHooks.of(config));
    producer.setNamesrvAddr(config.namesrvAddr);
    producer.setPollNameServerInterval((int) config.routeRefreshMs);
    producer.setInstanceName(config.producerId);
    producer.setTransactionListener(new Listener());
    producer.getDefaultMQProducerImpl().registerSendMessageHook(new HalfAcks());
    try {
      producer.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("producer start failed: " + e.getMessage(), e);
    }
  }

  /** Reports the half's ack when the broker stored it, before the local transaction runs. */
  private final class HalfAcks implements SendMessageHook {
    @Override
    public String hookName() {
      return "rmq-chaos-half-acks";
    }

    @Override
    public void sendMessageBefore(SendMessageContext context) {}

    @Override
    public void sendMessageAfter(SendMessageContext context) {
      Callback callback = sending.get();
      SendResult result = context.getSendResult();
      if (callback == null || result == null || result.getSendStatus() != SendStatus.SEND_OK) return;
      sending.remove();
      MessageQueue mq = result.getMessageQueue();
      callback.sent(new Sent(mq.getBrokerName(), mq.getQueueId(), result.getQueueOffset()));
    }
  }

  private final class Listener implements TransactionListener {
    @Override
    public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
      Identity.Id id = Identity.read(msg.getProperties());
      if (id == null) return LocalTransactionState.UNKNOW;
      pause(config.transaction.endDelayMs);
      return state(TransactionChoice.local(config.transaction, config.seed, id.producerId(), id.seq()));
    }

    @Override
    public LocalTransactionState checkLocalTransaction(MessageExt msg) {
      long checkedAt = System.currentTimeMillis();
      Identity.Id id = Identity.read(msg.getProperties());
      // Another run's half (a reused group): roll it back, as the Node producer does.
      if (id == null || !config.runId.equals(id.runId())) return LocalTransactionState.ROLLBACK_MESSAGE;
      TransactionChoice.Outcome answer =
          TransactionChoice.checkAnswer(config.transaction, config.seed, id.producerId(), id.seq());
      pause(config.transaction.checkDelayMs);
      String tag = msg.getTags();
      synchronized (lock) {
        checkBacks.add(List.of(id.producerId(), id.seq(), msg.getBornTimestamp(), checkedAt, answer.wire,
            tag == null ? "" : tag));
      }
      return state(answer);
    }
  }

  private static LocalTransactionState state(TransactionChoice.Outcome outcome) {
    return switch (outcome) {
      case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
      case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
      case UNKNOWN -> LocalTransactionState.UNKNOW;
    };
  }

  private static void pause(long ms) {
    if (ms <= 0) return;
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean blocking() {
    return true;
  }

  @Override
  public void send(Outgoing out, Callback callback) {
    Message msg = new Message(out.topic(), out.tag() == null ? "" : out.tag(), out.key(), out.body());
    for (Map.Entry<String, String> p : out.properties().entrySet()) msg.putUserProperty(p.getKey(), p.getValue());
    sending.set(callback);
    try {
      TransactionSendResult result = producer.sendMessageInTransaction(msg, null);
      // Still here: the hook saw no stored half.
      if (sending.get() != null)
        callback.failed(new IllegalStateException("half not stored: " + result.getSendStatus()));
    } catch (Exception e) {
      if (sending.get() != null) callback.failed(e);
    } finally {
      sending.remove();
    }
  }

  @Override
  public String errorKey(Throwable error) {
    return SendErrorKeys.of(error);
  }

  @Override
  public boolean answersCheckBacks() {
    return true;
  }

  @Override
  public List<List<Object>> takeCheckBacks() {
    synchronized (lock) {
      List<List<Object>> taken = checkBacks;
      checkBacks = new ArrayList<>();
      return taken;
    }
  }

  @Override
  public void close() {
    producer.shutdown();
  }
}
