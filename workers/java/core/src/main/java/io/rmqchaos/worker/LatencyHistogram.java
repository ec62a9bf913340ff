package io.rmqchaos.worker;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.HdrHistogram.Histogram;

/**
 * Send latency as the coordinator merges it (src/metrics/histogram.ts): 1 ms .. 1 h at 3
 * significant digits, shipped as HdrHistogram's compressed encoding in base64, which
 * hdr-histogram-js decodes with decodeFromCompressedBase64.
 */
public final class LatencyHistogram {
  public static final long HIGHEST_MS = 3_600_000L;

  private LatencyHistogram() {}

  public static Histogram create() {
    return new Histogram(1, HIGHEST_MS, 3);
  }

  /** Rounds and clamps as recordMs does, so a 0.4 ms send counts as 1 ms, not as an error. */
  public static void recordMs(Histogram histogram, double ms) {
    histogram.recordValue(Math.min(HIGHEST_MS, Math.max(1, Math.round(ms))));
  }

  public static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
