package io.rmqchaos.worker;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command loop of a fleet worker (src/fleet/worker-main.ts): hello first, then
 * start-producer or start-consumer and stop from stdin. stop closes the client cleanly (offsets
 * persisted, unregistered), says stopped and exits 0; EOF on stdin means the coordinator is
 * gone, so the worker halts with 1 (no close, no offset commit). A producer leaves by itself once its load is sent.
 */
public final class WorkerMain {
  /** Past this, a close that hangs is abandoned: the process halts. */
  private static final long CLOSE_DEADLINE_MS = 10_000;

  private final WorkerClients clients;
  private final Protocol protocol;
  private final AtomicBoolean stop = new AtomicBoolean();
  private volatile AutoCloseable closeClient;
  private volatile Thread producerThread;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();

  private WorkerMain(WorkerClients clients, Protocol protocol) {
    this.clients = clients;
    this.protocol = protocol;
  }

  /** Entry point of a worker module's main. */
  public static void run(WorkerClients clients) {
    Protocol protocol = Protocol.claimStdout();
    new WorkerMain(clients, protocol).loop();
  }

  private void loop() {
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("type", "hello");
    hello.put("protocolVersion", Protocol.VERSION);
    hello.put("pid", ProcessHandle.current().pid());
    hello.put("implementation", "java");
    hello.put("client", clients.clientName());
    protocol.send(hello);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) dispatch(line);
      }
    } catch (Exception e) {
      protocol.log("error", "reading commands failed: " + e);
    }
    // The coordinator (or the agent carrying our reports) died: nobody reads our results, so leave
    // now without closing the client, as the Node worker does: a close would commit the offsets of
    // deliveries whose receipts went nowhere. halt commits nothing, as a host that dies.
    Runtime.getRuntime().halt(1);
  }

  private void dispatch(String line) {
    JsonObject message;
    try {
      message = JsonParser.parseString(line).getAsJsonObject();
    } catch (RuntimeException e) {
      protocol.log("error", "bad message from coordinator: " + e.getMessage());
      return;
    }
    String type = message.has("type") ? message.get("type").getAsString() : "";
    switch (type) {
      case "start-producer" -> startProducer(Protocol.GSON.fromJson(message.get("config"), Config.Producer.class));
      case "start-consumer" -> startConsumer(Protocol.GSON.fromJson(message.get("config"), Config.Consumer.class));
      case "stop" -> new Thread(() -> shutdown(0), "stop").start();
      // The plan refuses rate: max on a java fleet, so no coordinator of this version sends it.
      case "set-rate" ->
        protocol.log("error", "set-rate is not supported by the JVM worker (rate: max needs driver node)");
      default -> protocol.log("error", "bad message from coordinator: unknown type \"" + type + "\"");
    }
  }

  private void startProducer(Config.Producer config) {
    ProducerClient client;
    try {
      client = clients.producer(config);
    } catch (Exception e) {
      protocol.log("error", "producer failed: " + describe(e));
      shutdown(1);
      return;
    }
    closeClient = client::close;
    producerThread = new Thread(() -> {
      try {
        new ProducerLoop(config, client, protocol, stop).run();
        // A producer's work has an end: once its load is sent, it leaves by itself.
        if (!stop.get()) shutdown(0);
      } catch (Throwable e) {
        protocol.log("error", "producer failed: " + describe(e));
        shutdown(1);
      }
    }, "producer");
    producerThread.start();
    protocol.simple("ready");
  }

  private void startConsumer(Config.Consumer config) {
    try {
      ConsumerCore core = new ConsumerCore(config, protocol);
      AssignmentReporter assignments = new AssignmentReporter(config.instanceId, protocol);
      AutoCloseable consumer = clients.consumer(config, core, assignments, stop);
      closeClient = () -> {
        consumer.close();
        core.close();
      };
      protocol.simple("ready");
    } catch (Exception e) {
      // As the Node worker: no stopped (nothing was running), exit 1.
      protocol.log("error", "consumer failed to start: " + describe(e));
      Runtime.getRuntime().halt(1);
    }
  }

  /** Once: stop sending, close the client (bounded), say stopped, exit. */
  private void shutdown(int exitCode) {
    if (!shuttingDown.compareAndSet(false, true)) return;
    stop.set(true);
    Thread deadline = new Thread(() -> {
      try {
        Thread.sleep(CLOSE_DEADLINE_MS);
        Runtime.getRuntime().halt(exitCode == 0 ? 1 : exitCode);
      } catch (InterruptedException ignored) {
        // closed in time
      }
    }, "close-deadline");
    deadline.setDaemon(true);
    deadline.start();
    try {
      Thread producer = producerThread;
      if (producer != null && producer != Thread.currentThread()) producer.join(CLOSE_DEADLINE_MS);
      AutoCloseable close = closeClient;
      if (close != null) close.close();
    } catch (Throwable e) {
      protocol.log("warn", "close failed: " + describe(e));
    }
    protocol.simple("stopped");
    // halt, not exit: client libraries register shutdown hooks that would close them a second time.
    Runtime.getRuntime().halt(exitCode);
  }

  static String describe(Throwable e) {
    String message =
        e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    if (e instanceof RuntimeException && !(e instanceof IllegalArgumentException)) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      System.err.println(trace);
    }
    return message.lines().findFirst().orElse(message);
  }
}
