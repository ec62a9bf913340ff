package io.rmqchaos.worker;

/**
 * The faultyConsumer test aid (src/fleet/faulty-consumer.ts): a pure function of
 * (seed, producerId, seq), so a test computes the known discard/duplicate sets itself and
 * every delivery of a message, on any instance in any language, gets the same answer.
 */
public final class Faulty {
  public enum Choice { DISCARD, DUPLICATE, NORMAL }

  private Faulty() {}

  /** FNV-1a over `seed:producerId:seq` (UTF-16 code units), then the murmur3 finalizer. */
  public static double point(long seed, String producerId, long seq) {
    String text = SeededRandom.jsNumber(seed) + ":" + producerId + ":" + seq;
    int h = 0x811c9dc5;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return (h & 0xffffffffL) / 4294967296.0;
  }

  /**
   * deadLetter's poison messages (src/fleet/poison-messages.ts): the point of (seed,
   * `poison:` + producerId, seq) below the share, so the set is apart from faultyConsumer's.
   */
  public static boolean isPoison(double poison, long seed, String producerId, long seq) {
    if (poison <= 0) return false;
    return point(seed, "poison:" + producerId, seq) < poison;
  }

  public static Choice choice(Config.Faulty rates, long seed, String producerId, long seq) {
    if (rates.discard <= 0 && rates.duplicate <= 0) return Choice.NORMAL;
    double p = point(seed, producerId, seq);
    if (p < rates.discard) return Choice.DISCARD;
    if (p < rates.discard + rates.duplicate) return Choice.DUPLICATE;
    return Choice.NORMAL;
  }
}
