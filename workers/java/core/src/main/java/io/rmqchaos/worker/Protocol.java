package io.rmqchaos.worker;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The worker's end of the stdio transport: one JSON object per line on the process's real
 * stdout, flushed per message, nothing else ever written there.
 *
 * Client libraries print to System.out (5.x's logback config has a console appender), so at
 * startup System.out is pointed at stderr, which the launcher sends to the worker's log, and
 * this class keeps the only handle on file descriptor 1.
 */
public final class Protocol {
  public static final int VERSION = 7;
  public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final OutputStream out;
  private boolean closed;

  private Protocol(OutputStream out) {
    this.out = out;
  }

  /** Takes fd 1 for the protocol and sends everything else that prints to stdout to stderr. */
  public static Protocol claimStdout() {
    OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    return new Protocol(stdout);
  }

  /** Writes one message and flushes: when this returns, the coordinator can read it. */
  public synchronized void send(Object message) {
    if (closed) return;
    try {
      out.write(GSON.toJson(message).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      out.flush();
    } catch (java.io.IOException e) {
      // The coordinator is gone (EPIPE); stdin's EOF is what ends the worker.
      closed = true;
    }
  }

  public void log(String level, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "log");
    m.put("level", level);
    m.put("message", message);
    send(m);
  }

  public void simple(String type) {
    JsonObject m = new JsonObject();
    m.addProperty("type", type);
    send(m);
  }
}
