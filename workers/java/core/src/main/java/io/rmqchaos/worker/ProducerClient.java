package io.rmqchaos.worker;

import java.util.List;
import java.util.Map;

/** What the producer loop needs of a client library: send one message, report how it went. */
public interface ProducerClient {
  /** One message as identity.ts builds it, plus how to route and delay it. */
  record Outgoing(
      String topic, String tag, String key, byte[] body, Map<String, String> properties, String shardingKey,
      Long deliverAfterMs, Integer delayLevel) {}

  /** The broker's answer; brokerName "?" and queueId -1 when the client names no queue. */
  record Sent(String brokerName, int queueId, long offset) {}

  interface Callback {
    void sent(Sent result);

    void failed(Throwable error);
  }

  /**
   * True: `send` blocks its caller until the result (sync, oneway), so the loop runs it on a
   * pool of maxInFlight threads. False: `send` returns at once and calls back later (async).
   */
  boolean blocking();

  /** Sends; calls the callback exactly once, on any thread. */
  void send(Outgoing message, Callback callback);

  /** A countable name for a send failure (`broker:SYSTEM_BUSY(2)`, `timeout`, else the class name). */
  String errorKey(Throwable error);

  void close();

  /**
   * A transactional client answers the broker's check-backs until it is closed, so its worker
   * stays after sending its load; false for every other client.
   */
  default boolean answersCheckBacks() {
    return false;
  }

  /** Check-backs answered since the last call, each [producerId, seq, halfBornMs, checkedAtMs, answer, tag]. */
  default List<List<Object>> takeCheckBacks() {
    return List.of();
  }
}
