package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.AssignmentReporter;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Reports assignment changes by polling the client's view of its queues every 50 ms: the push
 * consumer has no public rebalance callback (its rebalance rewrites processQueueTable in
 * place), so an assignment is reported up to 50 ms after the rebalance step that made it. That
 * is well inside a rebalance (seconds) and adds nothing measurable to the rebalance latency the
 * coordinator computes.
 */
final class AssignmentPoller implements AutoCloseable {
  static final long EVERY_MS = 50;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "assignment-poller");
    t.setDaemon(true);
    return t;
  });

  AssignmentPoller(Supplier<Collection<MessageQueue>> owned, AssignmentReporter reporter) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        reporter.report(Deliveries.queues(owned.get()));
      } catch (Exception e) {
        System.err.println("assignment poll failed: " + e);
      }
    }, 0, EVERY_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
