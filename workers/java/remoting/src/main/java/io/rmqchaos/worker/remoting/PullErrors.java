package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.ConsumerErrors;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Counts the pulls a broker refused, by its answer, as the Node driver does
 * (src/drivers/remoting/queue-puller.ts): `broker:NO_PERMISSION(16)` and so on. The Java client
 * only logs them (rocketmq_client.log) and tries again later, so the worker reads them where
 * every answer passes: the RPCHook's doAfterResponse. That runs for asynchronous requests (pulls
 * are) in the 5.x clients (NettyRemotingClient.invokeImpl); a 4.9 client calls it for
 * synchronous requests only, so a 4.9 worker reports no refused pulls. A pull that got no answer
 * (timeout, connection refused) never reaches the hook and is not counted here.
 */
final class PullErrors implements RPCHook {
  /** RequestCode.PULL_MESSAGE (the push and the lite pull consumer both pull with it). */
  private static final int PULL_MESSAGE = 11;
  /** Answers that are a pull's normal outcomes: SUCCESS, PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY, PULL_OFFSET_MOVED. */
  private static final int[] NORMAL = {0, 19, 20, 21};
  /** FLOW_CONTROL: the broker asks the client to slow down; the Node driver does not count it either. */
  private static final int FLOW_CONTROL = 215;

  private final ConsumerErrors errors;

  PullErrors(ConsumerErrors errors) {
    this.errors = errors;
  }

  @Override
  public void doBeforeRequest(String remoteAddr, RemotingCommand request) {}

  @Override
  public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
    if (request == null || response == null || request.getCode() != PULL_MESSAGE) return;
    int code = response.getCode();
    if (code == FLOW_CONTROL) return;
    for (int normal : NORMAL) if (code == normal) return;
    errors.count("broker:" + SendErrorKeys.name(code));
  }
}
