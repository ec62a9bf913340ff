package io.rmqchaos.worker;

import java.util.concurrent.atomic.AtomicBoolean;

/** The client library behind a worker: what WorkerMain asks of the remoting or the gRPC module. */
public interface WorkerClients {
  /** For hello: "rocketmq-client 4.9.7", "rocketmq-client-java 5.0.8". */
  String clientName();

  /** A started producer client for this config; throws when the config asks for what it cannot do. */
  ProducerClient producer(Config.Producer config) throws Exception;

  /** Starts a consumer that hands every delivery to `core` and reports assignments; returns its close. */
  AutoCloseable consumer(Config.Consumer config, ConsumerCore core, AssignmentReporter assignments, AtomicBoolean stop)
      throws Exception;
}
