package io.rmqchaos.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends `assignment` when the set of queues an instance owns changes, sorted by topic, broker
 * and queue id (as the Node driver's compareQueues sorts), never twice for the same set.
 */
public final class AssignmentReporter {
  public record Queue(String topic, String brokerName, int queueId) {
    public String key() {
      return QueueKeys.of(topic, brokerName, queueId);
    }
  }

  public static final Comparator<Queue> ORDER =
      Comparator.comparing(Queue::topic).thenComparing(Queue::brokerName).thenComparingInt(Queue::queueId);

  private final String instanceId;
  private final Protocol protocol;
  private List<String> last = List.of();

  public AssignmentReporter(String instanceId, Protocol protocol) {
    this.instanceId = instanceId;
    this.protocol = protocol;
  }

  /** Retry (%RETRY%) and dead-letter topics are client plumbing: left out, as the Node driver does. */
  public synchronized void report(Collection<Queue> queues) {
    List<Queue> sorted = new ArrayList<>();
    for (Queue q : queues) if (!q.topic().startsWith("%RETRY%") && !q.topic().startsWith("%DLQ%")) sorted.add(q);
    sorted.sort(ORDER);
    List<String> keys = sorted.stream().map(Queue::key).toList();
    if (keys.equals(last)) return;
    last = keys;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "assignment");
    m.put("instanceId", instanceId);
    m.put("queues", keys);
    m.put("atMs", System.currentTimeMillis());
    protocol.send(m);
  }
}
