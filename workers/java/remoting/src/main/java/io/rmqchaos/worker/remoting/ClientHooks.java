package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.Config;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * The one RPCHook a Java client takes, made of what its config asks for: RocketMQ's own
 * AclClientRPCHook when the fleet signs as an ACL user (the class is in rocketmq-client from
 * 5.3.3 on, in rocketmq-acl before: the build adds that artifact for older clients), and the
 * route rewrite of BrokerAddressMaps when Toxiproxy sits between clients and brokers.
 */
final class ClientHooks {
  private ClientHooks() {}

  /** null when the client needs no hook (then it takes none, as a plain client would). */
  static RPCHook of(Config.Client config) {
    RPCHook acl = config.credentials == null
        ? null
        : new AclClientRPCHook(new SessionCredentials(config.credentials.accessKey, config.credentials.secretKey));
    RPCHook routes = BrokerAddressMaps.hookFor(config);
    if (acl == null) return routes;
    if (routes == null) return acl;
    return new Both(acl, routes);
  }

  /** Signs before sending (the signature covers the request as it leaves), rewrites after the answer. */
  private record Both(RPCHook first, RPCHook second) implements RPCHook {
    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
      first.doBeforeRequest(remoteAddr, request);
      second.doBeforeRequest(remoteAddr, request);
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
      first.doAfterResponse(remoteAddr, request, response);
      second.doAfterResponse(remoteAddr, request, response);
    }
  }
}
