package io.rmqchaos.worker;

import java.util.List;

/**
 * The harness's seeded generator, bit for bit (src/util/random.ts): mulberry32, FNV-1a hashSeed
 * and weightedPick. A Java and a Node producer with the same seed must pick the same tags, so
 * this is int arithmetic that wraps exactly as JavaScript's Math.imul and `>>> 0` do.
 */
public final class SeededRandom {
  private int state;

  public SeededRandom(long seed) {
    this.state = (int) seed;
  }

  /** The next value in [0, 1). Not thread-safe: callers that share one synchronize. */
  public double next() {
    state += 0x6d2b79f5;
    int t = state;
    t = (t ^ (t >>> 15)) * (t | 1);
    t ^= t + (t ^ (t >>> 7)) * (t | 61);
    return ((t ^ (t >>> 14)) & 0xffffffffL) / 4294967296.0;
  }

  /** A stable 32-bit seed from a string (FNV-1a over UTF-16 code units, as charCodeAt sees them). */
  public static long hashSeed(String text) {
    int hash = 0x811c9dc5;
    for (int i = 0; i < text.length(); i++) {
      hash ^= text.charAt(i);
      hash *= 0x01000193;
    }
    return hash & 0xffffffffL;
  }

  public record Weighted<T>(T value, double weight) {}

  /** One of `items`, with probability proportional to its weight; consumes one draw. */
  public <T> T weightedPick(List<Weighted<T>> items) {
    double total = 0;
    for (Weighted<T> item : items) total += item.weight();
    double point = next() * total;
    for (Weighted<T> item : items) {
      point -= item.weight();
      if (point < 0) return item.value();
    }
    return items.get(items.size() - 1).value();
  }

  /** `String(n)` of JavaScript for the integers plans use as seeds (no ".0", no exponent). */
  public static String jsNumber(long n) {
    return Long.toString(n);
  }
}
