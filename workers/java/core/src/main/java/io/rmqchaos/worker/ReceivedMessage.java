package io.rmqchaos.worker;

import java.util.Map;

/** One delivery as the consumer core needs it, whichever client received it. */
public record ReceivedMessage(
    Map<String, String> properties,
    String topic,
    String brokerName,
    int queueId,
    long bornTimestamp,
    int reconsumeTimes,
    String tag) {}
