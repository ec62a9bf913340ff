package io.rmqchaos.worker.grpc;

import io.rmqchaos.worker.AssignmentReporter;
import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ConsumerCore;
import io.rmqchaos.worker.MavenVersions;
import io.rmqchaos.worker.ProducerClient;
import io.rmqchaos.worker.WorkerClients;
import io.rmqchaos.worker.WorkerMain;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fleet worker on the gRPC client (org.apache.rocketmq:rocketmq-client-java), through the
 * proxy's `endpoint`. The proxy names no queue in a send result and hands out queues by
 * itself, so acks name `topic@?/-1` and no assignment is ever reported, as the Node gRPC driver.
 */
public final class GrpcWorker implements WorkerClients {
  public static void main(String[] args) {
    WorkerMain.run(new GrpcWorker());
  }

  @Override
  public String clientName() {
    return "rocketmq-client-java " + MavenVersions.rocketmq("rocketmq-client-java");
  }

  @Override
  public ProducerClient producer(Config.Producer config) throws Exception {
    return new GrpcProducer(config);
  }

  @Override
  public AutoCloseable consumer(
      Config.Consumer config, ConsumerCore core, AssignmentReporter assignments, AtomicBoolean stop) throws Exception {
    if ("broadcasting".equals(config.model)) {
      throw new IllegalArgumentException("the gRPC client has no broadcasting model; use driver remoting");
    }
    return switch (config.mode) {
      case "push" -> GrpcPushConsumer.start(config, core);
      case "simple" -> GrpcSimpleConsumer.start(config, core, stop);
      default -> throw new IllegalArgumentException(
          "mode \"" + config.mode + "\" needs the remoting client; the gRPC client has push and simple");
    };
  }
}
