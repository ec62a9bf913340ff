package io.rmqchaos.worker.grpc;

/** Placeholder, replaced by the gRPC worker. */
public final class GrpcWorker {
  public static void main(String[] args) {
    throw new UnsupportedOperationException("not built yet");
  }
}
