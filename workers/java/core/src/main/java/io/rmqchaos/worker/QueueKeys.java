package io.rmqchaos.worker;

/** `topic@broker/queueId`, as src/metrics/queue-keys.ts names queues. */
public final class QueueKeys {
  private QueueKeys() {}

  public static String of(String topic, String brokerName, int queueId) {
    return topic + "@" + brokerName + "/" + queueId;
  }
}
