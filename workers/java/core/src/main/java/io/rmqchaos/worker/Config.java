package io.rmqchaos.worker;

import com.google.gson.JsonElement;
import com.google.gson.annotations.SerializedName;
import java.util.List;
import java.util.Map;

/**
 * The configs of start-producer and start-consumer (ProducerConfig, ConsumerConfig in
 * src/fleet/protocol.ts), as Gson fills them. The coordinator validates before sending, so these
 * are plain holders; optional fields are null when absent.
 */
public final class Config {
  private Config() {}

  public static final class Executor {
    public String kind;
    public double ratePerSecond;
    public double startRatePerSecond;
    public List<Stage> stages = List.of();
  }

  public static final class Stage {
    public double durationMs;
    public double targetPerSecond;
  }

  public static final class TagWeight {
    public String tag;
    public double weight;
  }

  /** One drawn property: {int: [lowest, highest]} or {oneOf: [...]} (PropertySpec in the plan). */
  public static final class PropertySpec {
    @SerializedName("int")
    public List<Double> intRange;

    public List<String> oneOf;
  }

  public static final class Delay {
    public double ratio;
    public long delayMs;
    /** A delay level (setDelayTimeLevel); null: a 5.x timer of delayMs. */
    public Integer level;
  }

  public static final class ConsumeTime {
    public String kind;
    public double ms;
    public double minMs;
    public double maxMs;
    public double meanMs;
  }

  public static final class Failure {
    public double ratio;
    public long first;
  }

  public static final class Transaction {
    public double commit;
    public double rollback;
    public double unknown;
    public long endDelayMs;
    public long checkDelayMs;
  }

  public static final class Faulty {
    public double discard;
    public double duplicate;
  }

  public static final class Assign {
    public int index;
    public int count;
  }

  /** Fields both roles share (clientConnection in protocol.ts). */
  public static final class Credentials {
    public String accessKey;
    public String secretKey;
  }

  public abstract static class Client {
    public String runId;
    public String fleet;
    public String driver;
    public String namesrvAddr;
    public String endpoint;
    public Map<String, String> brokerAddressMap;
    public String group;
    /** An ACL user's keys (cluster.acl): sign every request with them; null without. */
    public Credentials credentials;
    public long seed;
    /** Java pollNameServerInterval: how often the client refreshes its topic routes. */
    public long routeRefreshMs = 30_000;
  }

  public static final class Producer extends Client {
    public String producerId;
    public String topic;
    public Executor executor;
    public int messageSize;
    public List<TagWeight> tags = List.of();
    public Map<String, PropertySpec> properties;
    public Long maxMessages;
    public long durationMs;
    public int maxInFlight;
    public Integer shardingKeys;
    public String sendMode;
    public Delay delay;
    public Transaction transaction;
  }

  public static final class Consumer extends Client {
    public String instanceId;
    public String model;
    public String mode;
    public String consume;
    public Assign assign;
    /** Topic to a tag expression (a JSON string) or {sql: "..."}: read it through Subscriptions.of. */
    public Map<String, JsonElement> subscription;
    public ConsumeTime consumeTime;
    public Failure failure;
    public Faulty faultyConsumer;
    public DeadLetter deadLetter;
  }

  /** Poison messages fail on every delivery; the broker dead-letters after maxReconsumeTimes redeliveries. */
  public static final class DeadLetter {
    public double poison;
    public int maxReconsumeTimes;
  }
}
