package io.rmqchaos.worker.remoting;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.rocketmq.client.impl.consumer.RebalanceImpl;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;

/**
 * Makes sure the brokers hear every subscription version the push consumer pulls with: it
 * watches the versions every 50 ms and, when one changed, sends a heartbeat once any heartbeat
 * in flight is done (HeartbeatAfterInFlight).
 *
 * Why (RocketMQ 5.3.3 line numbers; 4.9.7 has the same code): a rebalance that changes a topic's
 * queues stamps the topic's subscription with a new subVersion, then asks for a heartbeat to
 * carry it (client RebalancePushImpl.messageQueueChanged, lines 61-63 and 85; 4.9.7 lines 57-59
 * and 81). That heartbeat only tryLocks the client's heartbeat lock
 * (MQClientInstance.sendHeartbeatToAllBrokerWithLockV2, lines 515-531): while another heartbeat
 * holds it, built before the new version, the new version is dropped with a "lock heartBeat, but
 * failed" warning. Typically that is the very heartbeat that registered the consumer (the one
 * sent as the connection opens, lines 180-191, or the periodic one 1 s after start, lines
 * 353-360): the broker notifies the group of the new member while it handles that heartbeat,
 * before answering it, so the rebalance runs while the heartbeat still waits for its answer,
 * longer on a busy host. The consumer pulls with the new subVersion and without its subscription
 * (postSubscriptionWhenPull is off, DefaultMQPushConsumerImpl line 466), and the broker refuses
 * every pull whose subVersion is newer than the one it holds: SUBSCRIPTION_NOT_LATEST (broker
 * PullMessageProcessor lines 451-456; FILTER_DATA_NOT_LATEST for SQL92, lines 466-471). The
 * client retries each queue every pullTimeDelayMillsWhenException (3 s,
 * DefaultMQPushConsumerImpl line 448) until the next periodic heartbeat, heartbeatBrokerInterval
 * (30 s) later, or a later rebalance's heartbeat: on a busy host a group held all its queues and
 * received nothing for a whole 19 s run. An operator would send the heartbeat again; a heartbeat
 * built after the change carries it.
 */
final class SubscriptionAnnouncer implements AutoCloseable {
  static final long EVERY_MS = 50;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "subscription-announcer");
    t.setDaemon(true);
    return t;
  });
  private final Supplier<Map<String, Long>> versions;
  private final HeartbeatAfterInFlight heartbeat;
  /** The versions the last heartbeat sent here was built after (it carried these or newer ones). */
  private Map<String, Long> announced = Map.of();

  SubscriptionAnnouncer(RebalanceImpl rebalance, MQClientInstance client) {
    this(() -> versionsOf(rebalance), new HeartbeatAfterInFlight(client));
  }

  SubscriptionAnnouncer(Supplier<Map<String, Long>> versions, HeartbeatAfterInFlight heartbeat) {
    this.versions = versions;
    this.heartbeat = heartbeat;
    timer.scheduleWithFixedDelay(this::announceChanges, 0, EVERY_MS, TimeUnit.MILLISECONDS);
  }

  /** Topic to subVersion of every subscription the client holds (its retry topic's included). */
  static Map<String, Long> versionsOf(RebalanceImpl rebalance) {
    Map<String, Long> out = new HashMap<>();
    // `var`: SubscriptionData's package differs between 4.9.x and 5.x clients; this source builds against both.
    for (var e : rebalance.getSubscriptionInner().entrySet()) out.put(e.getKey(), e.getValue().getSubVersion());
    return out;
  }

  private void announceChanges() {
    try {
      Map<String, Long> now = versions.get();
      if (now.equals(announced)) return;
      // Read before the heartbeat is built: it carries these versions, or newer ones.
      heartbeat.send();
      announced = now;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("subscription heartbeat failed: " + e);
    }
  }

  /** Stops watching; a heartbeat under way finishes first (bounded), so none follows the client's unregistering. */
  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(3, TimeUnit.SECONDS);
  }
}
