package io.rmqchaos.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One consumer instance's handling of a delivery (src/fleet/consumer-runner.ts): foreign
 * messages counted, the rest processed for the configured time and answered success or retry,
 * each delivery a receipt.
 *
 * `handle` returns only after its receipt is written and flushed to stdout: the client may
 * commit the offset as soon as the listener returns, and a worker killed with -9 between that
 * commit and a later flush would lose receipts the broker never redelivers (the ledger would
 * report loss that never happened). Concurrent listeners batch what is already buffered into
 * one message; nobody waits for more to arrive.
 */
public final class ConsumerCore {
  public enum Outcome { SUCCESS, RETRY }

  private final Config.Consumer config;
  private final Protocol protocol;
  private final ConsumerBehaviour behaviour;
  private final Object buffer = new Object();
  private final Object writer = new Object();
  private final ConsumerErrors errors;
  private List<Object[]> receipts = new ArrayList<>();
  private long foreign;

  public ConsumerCore(Config.Consumer config, Protocol protocol) {
    this.config = config;
    this.protocol = protocol;
    this.behaviour = new ConsumerBehaviour(config);
    this.errors = new ConsumerErrors(config.instanceId, protocol);
  }

  /** Where the client's failed requests are counted (clients that can see them). */
  public ConsumerErrors errors() {
    return errors;
  }

  /** After the client has closed: what is left of the receipts and the error counts goes out. */
  public void close() {
    flush();
    errors.close();
  }

  public Outcome handle(ReceivedMessage message) {
    long receivedAt = System.currentTimeMillis();
    Identity.Id id = Identity.read(message.properties());
    if (id == null || !id.runId().equals(config.runId)) {
      synchronized (buffer) {
        foreign++;
      }
      flush();
      return Outcome.SUCCESS;
    }
    sleepMs(behaviour.processingMs());
    // faultyConsumer: a discarded message is acknowledged with no receipt; a duplicated one's goes out twice.
    int copies = behaviour.receiptCopies(id.producerId(), id.seq());
    if (copies == 0) return Outcome.SUCCESS;
    Outcome outcome = behaviour.retry(id.producerId(), id.seq()) ? Outcome.RETRY : Outcome.SUCCESS;
    Object[] receipt = {
      id.producerId(),
      id.seq(),
      message.bornTimestamp(),
      receivedAt,
      QueueKeys.of(message.topic(), message.brokerName(), message.queueId()),
      message.reconsumeTimes(),
      outcome == Outcome.RETRY ? "retry" : "success",
      message.tag() == null ? "" : message.tag(),
    };
    synchronized (buffer) {
      for (int i = 0; i < copies; i++) receipts.add(receipt);
    }
    flush();
    return outcome;
  }

  /** Writes whatever is buffered; returns once everything buffered before the call is on stdout. */
  public void flush() {
    synchronized (writer) {
      List<Object[]> items;
      long foreignNow;
      synchronized (buffer) {
        if (receipts.isEmpty() && foreign == 0) return;
        items = receipts;
        foreignNow = foreign;
        receipts = new ArrayList<>();
        foreign = 0;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "receipts");
      m.put("instanceId", config.instanceId);
      m.put("items", items);
      m.put("foreign", foreignNow);
      protocol.send(m);
    }
  }

  private static void sleepMs(double ms) {
    if (!(ms > 0)) return;
    long nanos = (long) (ms * 1_000_000);
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
