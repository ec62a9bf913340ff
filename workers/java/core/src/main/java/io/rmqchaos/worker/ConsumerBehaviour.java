package io.rmqchaos.worker;

/**
 * What a simulated consumer does with each message (src/fleet/consumer-behaviour.ts): how long
 * it processes, whether it asks for redelivery, and how many receipts a delivery gets under
 * the faultyConsumer test aid. One seeded random per instance; synchronized because the
 * client's consume threads share it (Node has one thread, so its draw order is the arrival order).
 */
public final class ConsumerBehaviour {
  private final Config.Consumer config;
  private final SeededRandom random;
  private long failedSoFar;

  public ConsumerBehaviour(Config.Consumer config) {
    this.config = config;
    this.random = new SeededRandom(SeededRandom.hashSeed(SeededRandom.jsNumber(config.seed) + ":" + config.instanceId));
  }

  public synchronized double processingMs() {
    Config.ConsumeTime t = config.consumeTime;
    return switch (t.kind) {
      case "uniform" -> t.minMs + random.next() * (t.maxMs - t.minMs);
      case "exponential" -> -Math.log(1 - random.next()) * t.meanMs;
      default -> t.ms;
    };
  }

  /**
   * True: answer retry. A deadLetter poison message always (without using up `first`); else the
   * first `first` messages exactly, then a ratio at random.
   */
  public synchronized boolean retry(String producerId, long seq) {
    Config.DeadLetter dead = config.deadLetter;
    if (dead != null && Faulty.isPoison(dead.poison, config.seed, producerId, seq)) return true;
    if (failedSoFar < config.failure.first) {
      failedSoFar++;
      return true;
    }
    return config.failure.ratio > 0 && random.next() < config.failure.ratio;
  }

  public int receiptCopies(String producerId, long seq) {
    if (config.faultyConsumer == null) return 1;
    return switch (Faulty.choice(config.faultyConsumer, config.seed, producerId, seq)) {
      case DISCARD -> 0;
      case DUPLICATE -> 2;
      case NORMAL -> 1;
    };
  }
}
