package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.AssignmentReporter;
import io.rmqchaos.worker.Config;
import io.rmqchaos.worker.ConsumerCore;
import io.rmqchaos.worker.MavenVersions;
import io.rmqchaos.worker.ProducerClient;
import io.rmqchaos.worker.WorkerClients;
import io.rmqchaos.worker.WorkerMain;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fleet worker on the remoting client (org.apache.rocketmq:rocketmq-client, 4.9.x or 5.x,
 * whichever the build put on the classpath).
 */
public final class RemotingWorker implements WorkerClients {
  public static void main(String[] args) {
    WorkerMain.run(new RemotingWorker());
  }

  @Override
  public String clientName() {
    return "rocketmq-client " + MavenVersions.rocketmq("rocketmq-client");
  }

  @Override
  public ProducerClient producer(Config.Producer config) {
    return config.transaction != null ? new TransactionalProducer(config) : new RemotingProducer(config);
  }

  @Override
  public AutoCloseable consumer(
      Config.Consumer config, ConsumerCore core, AssignmentReporter assignments, AtomicBoolean stop) throws Exception {
    return switch (config.mode) {
      case "push" -> PushConsumerRunner.start(config, core, assignments);
      case "pull" -> LitePullRunner.start(config, core, assignments, stop);
      default -> throw new IllegalArgumentException(
          "mode \"" + config.mode + "\" needs the gRPC client (driver grpc); the remoting client has push and pull");
    };
  }
}
