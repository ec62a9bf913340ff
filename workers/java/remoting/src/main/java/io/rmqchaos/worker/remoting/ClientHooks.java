package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.Config;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * The one RPCHook a Java client takes, made of what its config asks for: RocketMQ's own
 * AclClientRPCHook when the fleet signs as an ACL user (the class is in rocketmq-client from
 * 5.3.3 on, in rocketmq-acl before: the build adds that artifact for older clients), and the
 * route rewrite of BrokerAddressMaps when Toxiproxy sits between clients and brokers, and for
 * consumers PullErrors, which counts the pulls a broker refused.
 */
final class ClientHooks {
  private ClientHooks() {}

  /** null when the client needs no hook (then it takes none, as a plain client would). */
  static RPCHook of(Config.Client config) {
    return of(config, null);
  }

  /** The same, with `observer` (which only reads answers) after the others; null when none is needed. */
  static RPCHook of(Config.Client config, RPCHook observer) {
    List<RPCHook> hooks = new ArrayList<>();
    if (config.credentials != null) {
      hooks.add(new AclClientRPCHook(
          new SessionCredentials(config.credentials.accessKey, config.credentials.secretKey)));
    }
    RPCHook routes = BrokerAddressMaps.hookFor(config);
    if (routes != null) hooks.add(routes);
    if (observer != null) hooks.add(observer);
    return switch (hooks.size()) {
      case 0 -> null;
      case 1 -> hooks.get(0);
      default -> new All(List.copyOf(hooks));
    };
  }

  /**
   * Each hook in turn: the signature first (it covers the request as it leaves), then the route
   * rewrite of the answer, then the observer, which sees the answer as the client will.
   */
  private record All(List<RPCHook> hooks) implements RPCHook {
    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
      for (RPCHook hook : hooks) hook.doBeforeRequest(remoteAddr, request);
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
      for (RPCHook hook : hooks) hook.doAfterResponse(remoteAddr, request, response);
    }
  }
}
