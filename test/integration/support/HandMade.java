// A consumer group made by hand with RocketMQ's own Java client, not by the harness: the topic
// and the group created through DefaultMQAdminExt (what mqadmin updateTopic / updateSubGroup
// do), two DefaultMQPushConsumer instances of one group subscribing one topic with different
// tag expressions (the narrow one subscribing last, again once both hold their queues, so the
// broker filters with it: DESIGN.md problem 1), and a producer sending TagA and TagB in turn.
//
// Java 17 single-file launch:
//   java -cp '<rocketmq lib>/*' HandMade.java <namesrv> <topic> <group> <messages per second>
// Prints "READY" once both consumers hold their queues and the first messages are sent; runs until its stdin
// closes (the test's end, or the test process gone), then shuts everything down.
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

public class HandMade {
  public static void main(String[] args) throws Exception {
    String namesrv = args[0];
    String topic = args[1];
    String group = args[2];
    int perSecond = Integer.parseInt(args[3]);

    DefaultMQAdminExt admin = new DefaultMQAdminExt();
    admin.setNamesrvAddr(namesrv);
    admin.setInstanceName("hand-made-admin");
    admin.start();
    ClusterInfo cluster = admin.examineBrokerClusterInfo();
    for (BrokerData broker : cluster.getBrokerAddrTable().values()) {
      String master = broker.getBrokerAddrs().get(0L);
      TopicConfig config = new TopicConfig(topic, 4, 4);
      admin.createAndUpdateTopicConfig(master, config);
      SubscriptionGroupConfig sub = new SubscriptionGroupConfig();
      sub.setGroupName(group);
      admin.createAndUpdateSubscriptionGroupConfig(master, sub);
    }
    admin.shutdown();

    MessageListenerConcurrently listener = (messages, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    DefaultMQPushConsumer wide = consumer(namesrv, group, "hand-made-wide", listener);
    wide.subscribe(topic, "TagA || TagB");
    // subVersion is the time of subscribe(): the narrow one is newer, so the broker keeps it.
    Thread.sleep(50);
    DefaultMQPushConsumer narrow = consumer(namesrv, group, "hand-made-narrow", listener);
    narrow.subscribe(topic, "TagA");
    wide.start();
    narrow.start();
    // The 5.x push consumer bumps its subVersion to "now" whenever a rebalance changes its queues
    // (RebalancePushImpl.messageQueueChanged), so which instance rebalanced last, not which
    // subscribed last, decides what the broker keeps: on a busy machine the wide one's hand-over
    // of two queues can come after the narrow one's. Once both hold their share, the narrow one
    // subscribes again: its subVersion is then the newest, and its heartbeat carries it.
    waitForShares(wide, narrow);
    Thread.sleep(1000);
    narrow.subscribe(topic, "TagA");

    DefaultMQProducer producer = new DefaultMQProducer("hand-made-producers");
    producer.setNamesrvAddr(namesrv);
    producer.setInstanceName("hand-made-producer");
    producer.start();

    AtomicBoolean running = new AtomicBoolean(true);
    Thread sender = new Thread(() -> {
      long sent = 0;
      long start = System.currentTimeMillis();
      while (running.get()) {
        try {
          // Both tags on every queue (sends go round the 4 queues in turn).
          String tag = (sent / 4) % 2 == 0 ? "TagA" : "TagB";
          producer.send(new Message(topic, tag, ("hand-made " + sent).getBytes(StandardCharsets.UTF_8)));
          sent++;
          if (sent == 10) System.out.println("READY");
          long due = start + sent * 1000 / perSecond;
          long wait = due - System.currentTimeMillis();
          if (wait > 0) Thread.sleep(wait);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          System.err.println("send failed: " + e);
        }
      }
    });
    sender.start();

    // Until the test closes stdin (or goes away).
    while (System.in.read() != -1) {}
    running.set(false);
    sender.interrupt();
    sender.join(5000);
    producer.shutdown();
    narrow.shutdown();
    wide.shutdown();
  }

  /** Until each instance holds queues and together they hold 4 of them (one broker, 4 queues); at most 60 s. */
  static void waitForShares(DefaultMQPushConsumer... consumers) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      int total = 0;
      boolean each = true;
      for (DefaultMQPushConsumer c : consumers) {
        int held = c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().size();
        total += held;
        each &= held > 0;
      }
      if (each && total == 4) return;
      Thread.sleep(100);
    }
    throw new IllegalStateException("the two consumers did not share the 4 queues within 60 s");
  }

  static DefaultMQPushConsumer consumer(
      String namesrv, String group, String instance, MessageListenerConcurrently listener) {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
    consumer.setNamesrvAddr(namesrv);
    consumer.setInstanceName(instance);
    consumer.setHeartbeatBrokerInterval(1000);
    consumer.setPersistConsumerOffsetInterval(1000);
    consumer.registerMessageListener(listener);
    return consumer;
  }
}
