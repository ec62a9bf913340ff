package io.rmqchaos.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * An arrival-rate producer, as src/fleet/producer-loop.ts: message i leaves when the schedule
 * says, whatever earlier sends did; latency is measured from the due time; a due send beyond
 * maxInFlight pending ones is counted as dropped, never sent late. Acks go out every 250 ms
 * and once at the end, then producer-done.
 */
public final class ProducerLoop {
  private static final long TICK_MS = 5;
  private static final long REPORT_EVERY_MS = 250;

  private final Config.Producer config;
  private final ProducerClient client;
  private final Protocol protocol;
  private final AtomicBoolean stop;
  private final SeededRandom random;
  private final List<SeededRandom.Weighted<String>> tags = new ArrayList<>();
  private final ArrivalSchedule schedule;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object idle = new Object();

  // Report state: appended by callbacks on client threads, swapped out by the reporter.
  private final Object report = new Object();
  private List<Long> seqs = new ArrayList<>();
  private List<String> ackTags = new ArrayList<>();
  private List<String> queues = new ArrayList<>();
  private List<Long> offsets = new ArrayList<>();
  private List<Long> sentAt = new ArrayList<>();
  private List<Long> dueAt = new ArrayList<>();
  private Map<String, Long> errors = new LinkedHashMap<>();
  private long dropped;
  private long attempted;
  private Histogram latency = LatencyHistogram.create();
  private volatile boolean done;

  public ProducerLoop(Config.Producer config, ProducerClient client, Protocol protocol, AtomicBoolean stop) {
    this.config = config;
    this.client = client;
    this.protocol = protocol;
    this.stop = stop;
    this.random = new SeededRandom(SeededRandom.hashSeed(SeededRandom.jsNumber(config.seed) + ":" + config.producerId));
    for (Config.TagWeight t : config.tags) tags.add(new SeededRandom.Weighted<>(t.tag, t.weight));
    this.schedule = new ArrivalSchedule(config.executor, config.durationMs);
  }

  /** Sends the load (or until stopped), waits for pending sends, reports, says producer-done. */
  public void run() throws InterruptedException {
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon("acks"));
    // Sync and oneway sends block: one thread per allowed in-flight send, so the schedule never waits.
    ExecutorService senders =
        client.blocking() ? Executors.newFixedThreadPool(config.maxInFlight, daemon("send")) : null;
    reporter.scheduleAtFixedRate(this::flush, REPORT_EVERY_MS, REPORT_EVERY_MS, TimeUnit.MILLISECONDS);
    double started = nowMs();
    long maxMessages = config.maxMessages == null ? Long.MAX_VALUE : config.maxMessages;
    long limit = Math.min(maxMessages, schedule.dueBy(schedule.durationMs));
    long due = 0;
    try {
      while (!stop.get() && due < limit) {
        double elapsed = nowMs() - started;
        if (elapsed >= schedule.durationMs) break;
        long dueNow = Math.min(limit, schedule.dueBy(elapsed));
        for (; due < dueNow; due++) {
          if (inFlight.get() >= config.maxInFlight) {
            synchronized (report) {
              dropped++;
            }
          } else {
            long seq;
            synchronized (report) {
              seq = attempted++;
            }
            sendOne(seq, started + schedule.dueTimeOf(due), senders);
          }
        }
        Thread.sleep(TICK_MS);
      }
      synchronized (idle) {
        while (inFlight.get() > 0) idle.wait(100);
      }
      if (client.answersCheckBacks()) {
        // Its load is sent, but halves left unknown (its own or a dead instance's) are resolved
        // by check-backs: say producer-done, and stay to answer them until the run stops it.
        flush();
        producerDone();
        while (!stop.get()) Thread.sleep(TICK_MS * 20);
      }
    } finally {
      reporter.shutdownNow();
      // A report already being written must go out before the last one and producer-done.
      reporter.awaitTermination(5, TimeUnit.SECONDS);
      if (senders != null) senders.shutdownNow();
      flush();
      producerDone();
    }
  }

  /** Identity, then the fleet's drawn properties (message-properties.ts), as the Node loop puts them. */
  private Map<String, String> properties(long seq) {
    Map<String, String> all = new java.util.HashMap<>(Identity.properties(config.runId, config.producerId, seq));
    all.putAll(MessageProperties.draw(config.properties, config.seed, config.producerId, seq));
    return all;
  }

  /** Once: the load is sent (or the loop stopped). */
  private void producerDone() {
    if (done) return;
    done = true;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "producer-done");
    m.put("producerId", config.producerId);
    synchronized (report) {
      m.put("attempted", attempted);
    }
    protocol.send(m);
  }

  private void sendOne(long seq, double dueAtMs, ExecutorService senders) {
    String tag = tags.isEmpty() ? null : random.weightedPick(tags);
    String shardingKey = config.shardingKeys == null ? null : Long.toString(seq % config.shardingKeys);
    boolean delayed = config.delay != null && random.next() < config.delay.ratio;
    Integer delayLevel = delayed ? config.delay.level : null;
    Long deliverAfter = delayed && delayLevel == null ? config.delay.delayMs : null;
    ProducerClient.Outgoing message = new ProducerClient.Outgoing(
        config.topic,
        tag,
        Identity.key(config.producerId, seq),
        Identity.body(config.runId, config.producerId, seq, config.messageSize),
        properties(seq),
        shardingKey,
        deliverAfter,
        delayLevel);
    long sentAtMs = System.currentTimeMillis();
    // Asked-for delivery: the send time plus the delay; 0 for a message sent without one.
    long deliverAtMs = delayed ? sentAtMs + config.delay.delayMs : 0;
    ProducerClient.Callback callback = new ProducerClient.Callback() {
      @Override
      public void sent(ProducerClient.Sent result) {
        double latencyMs = nowMs() - dueAtMs;
        synchronized (report) {
          seqs.add(seq);
          ackTags.add(tag == null ? "" : tag);
          queues.add(QueueKeys.of(config.topic, result.brokerName(), result.queueId()));
          offsets.add(result.offset());
          sentAt.add(sentAtMs);
          dueAt.add(deliverAtMs);
          LatencyHistogram.recordMs(latency, latencyMs);
        }
        settle();
      }

      @Override
      public void failed(Throwable error) {
        String key = client.errorKey(error);
        synchronized (report) {
          errors.merge(key, 1L, Long::sum);
        }
        settle();
      }
    };
    inFlight.incrementAndGet();
    Runnable send = () -> {
      try {
        client.send(message, callback);
      } catch (RuntimeException e) {
        callback.failed(e);
      }
    };
    if (senders == null) send.run();
    else senders.execute(send);
  }

  private void settle() {
    if (inFlight.decrementAndGet() == 0) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** Synchronized: `attempted` is cumulative, so reports must leave in the order they were cut. */
  private synchronized void flush() {
    List<List<Object>> checkBacks = client.takeCheckBacks();
    if (!checkBacks.isEmpty()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("type", "check-backs");
      c.put("producerId", config.producerId);
      c.put("items", checkBacks);
      protocol.send(c);
    }
    Map<String, Object> m;
    synchronized (report) {
      if (seqs.isEmpty() && errors.isEmpty() && dropped == 0) return;
      m = new LinkedHashMap<>();
      m.put("type", "acks");
      m.put("producerId", config.producerId);
      m.put("seqs", seqs);
      m.put("tags", ackTags);
      m.put("queues", queues);
      m.put("offsets", offsets);
      m.put("sentAtMs", sentAt);
      if (config.delay != null) m.put("dueAtMs", dueAt);
      m.put("attempted", attempted);
      m.put("errors", errors);
      m.put("dropped", dropped);
      m.put("sendLatency", LatencyHistogram.encode(latency));
      seqs = new ArrayList<>();
      ackTags = new ArrayList<>();
      queues = new ArrayList<>();
      offsets = new ArrayList<>();
      sentAt = new ArrayList<>();
      dueAt = new ArrayList<>();
      errors = new LinkedHashMap<>();
      dropped = 0;
      latency = LatencyHistogram.create();
    }
    protocol.send(m);
  }

  private static double nowMs() {
    return System.nanoTime() / 1_000_000.0;
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
