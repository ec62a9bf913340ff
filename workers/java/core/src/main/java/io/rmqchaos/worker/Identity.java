package io.rmqchaos.worker;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Message identity exactly as src/fleet/identity.ts writes and reads it: run, producer and seq
 * in user properties, key `producer:seq`, body `run|producer|seq|` padded with '.' to size.
 */
public final class Identity {
  public static final String RUN = "rmqchaos_run";
  public static final String PRODUCER = "rmqchaos_producer";
  public static final String SEQ = "rmqchaos_seq";

  public record Id(String runId, String producerId, long seq) {}

  private Identity() {}

  public static byte[] body(String runId, String producerId, long seq, int size) {
    byte[] header = (runId + "|" + producerId + "|" + seq + "|").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[Math.max(size, header.length)];
    Arrays.fill(body, (byte) '.');
    System.arraycopy(header, 0, body, 0, header.length);
    return body;
  }

  public static String key(String producerId, long seq) {
    return producerId + ":" + seq;
  }

  public static Map<String, String> properties(String runId, String producerId, long seq) {
    return Map.of(RUN, runId, PRODUCER, producerId, SEQ, Long.toString(seq));
  }

  /** Null for a message this harness did not send (no identity, or a seq that is no whole number). */
  public static Id read(Map<String, String> properties) {
    String runId = properties.get(RUN);
    String producerId = properties.get(PRODUCER);
    String seqText = properties.get(SEQ);
    if (runId == null || runId.isEmpty() || producerId == null || producerId.isEmpty() || seqText == null) return null;
    try {
      long seq = Long.parseLong(seqText.trim());
      return seq < 0 ? null : new Id(runId, producerId, seq);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
