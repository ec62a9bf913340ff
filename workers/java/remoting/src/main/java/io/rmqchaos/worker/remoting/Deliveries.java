package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.AssignmentReporter;
import io.rmqchaos.worker.ReceivedMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** Client types → the core's: a delivery and the queues of an assignment. */
final class Deliveries {
  private Deliveries() {}

  /**
   * The queue is the one it was pulled from (for a redelivery, the group's retry queue), the
   * topic the one it was sent to (the client restores it from RETRY_TOPIC): as the Node driver reports.
   */
  static ReceivedMessage of(MessageExt msg, MessageQueue pulledFrom) {
    return new ReceivedMessage(
        msg.getProperties(),
        msg.getTopic(),
        pulledFrom.getBrokerName(),
        pulledFrom.getQueueId(),
        msg.getBornTimestamp(),
        msg.getReconsumeTimes(),
        msg.getTags());
  }

  static List<AssignmentReporter.Queue> queues(Collection<MessageQueue> mqs) {
    List<AssignmentReporter.Queue> out = new ArrayList<>(mqs.size());
    for (MessageQueue mq : mqs) out.add(new AssignmentReporter.Queue(mq.getTopic(), mq.getBrokerName(), mq.getQueueId()));
    return out;
  }
}
