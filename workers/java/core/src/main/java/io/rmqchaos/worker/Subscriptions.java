package io.rmqchaos.worker;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A consumer's subscriptions as the worker protocol writes them: topic to a tag expression, or
 * to {sql: "..."} for a SQL92 selector (src/protocol/subscription.ts, subscriptionsOf).
 */
public final class Subscriptions {
  private Subscriptions() {}

  public record Entry(String topic, String expression, boolean sql92) {}

  public static List<Entry> of(Map<String, JsonElement> map) {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : map.entrySet()) {
      JsonElement value = e.getValue();
      if (value.isJsonObject()) out.add(new Entry(e.getKey(), value.getAsJsonObject().get("sql").getAsString(), true));
      else out.add(new Entry(e.getKey(), value.getAsString(), false));
    }
    return out;
  }
}
