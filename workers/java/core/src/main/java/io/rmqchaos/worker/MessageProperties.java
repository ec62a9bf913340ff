package io.rmqchaos.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A producer fleet's drawn user properties, bit for bit as src/fleet/message-properties.ts draws
 * them: one generator per (seed, producer, seq, property name), its first draw picks the value.
 * The ledger recomputes them on the coordinator, so a Java producer must put the same values.
 */
public final class MessageProperties {
  private MessageProperties() {}

  public static Map<String, String> draw(Map<String, Config.PropertySpec> specs, long seed, String producerId, long seq) {
    Map<String, String> out = new LinkedHashMap<>();
    if (specs == null) return out;
    for (Map.Entry<String, Config.PropertySpec> e : specs.entrySet()) {
      String name = e.getKey();
      Config.PropertySpec spec = e.getValue();
      double draw = new SeededRandom(
          SeededRandom.hashSeed(SeededRandom.jsNumber(seed) + ":" + producerId + ":" + seq + ":" + name)).next();
      if (spec.intRange != null) {
        // JavaScript's double arithmetic: min + Math.floor(draw * (max - min + 1)).
        double min = spec.intRange.get(0);
        double max = spec.intRange.get(1);
        out.put(name, Long.toString((long) (min + Math.floor(draw * (max - min + 1)))));
      } else {
        out.put(name, spec.oneOf.get((int) Math.floor(draw * spec.oneOf.size())));
      }
    }
    return out;
  }
}
