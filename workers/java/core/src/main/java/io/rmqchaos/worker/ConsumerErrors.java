package io.rmqchaos.worker;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A consumer's failed requests by reason, sent as `consumer-errors` about once a second while
 * there are any and once more at close (src/fleet/error-counter.ts): a refused pull repeats
 * every few seconds per queue, so one message per failure would be noise on the channel.
 */
public final class ConsumerErrors implements AutoCloseable {
  private final String instanceId;
  private final Protocol protocol;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "consumer-errors");
    t.setDaemon(true);
    return t;
  });
  private Map<String, Integer> pending = new HashMap<>();

  public ConsumerErrors(String instanceId, Protocol protocol) {
    this.instanceId = instanceId;
    this.protocol = protocol;
    timer.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
  }

  /** Called from the client's I/O threads: counting only, the send happens on the timer. */
  public void count(String reason) {
    synchronized (this) {
      pending.merge(reason, 1, Integer::sum);
    }
  }

  public void flush() {
    Map<String, Integer> errors;
    synchronized (this) {
      if (pending.isEmpty()) return;
      errors = pending;
      pending = new HashMap<>();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "consumer-errors");
    m.put("instanceId", instanceId);
    m.put("errors", errors);
    protocol.send(m);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    flush();
  }
}
