package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.Config;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * brokerAddressMap (listed broker address → the address to dial, when Toxiproxy sits between
 * clients and brokers). The Java client dials whatever its MQClientInstance's brokerAddrTable
 * says, and every route refresh (30 s, and on demand after a failure) rewrites that table from
 * the name server's answer. So the answer itself is rewritten: an RPCHook's doAfterResponse sees
 * the GET_ROUTEINFO_BY_TOPIC response before MQClientAPIImpl decodes its body (4.9: right after
 * invokeSyncImpl returns; 5.x: in invokeImpl's whenComplete, which the caller's get() waits for),
 * and each listed address in the TopicRouteData JSON is replaced by the one to dial. Every
 * later request (heartbeat, send, pull, offsets, locks) takes its address from that table.
 */
final class BrokerAddressMaps {
  /** RequestCode.GET_ROUTEINFO_BY_TOPIC; the class moved packages between 4.9 and 5.x. */
  private static final int GET_ROUTEINFO_BY_TOPIC = 105;

  private BrokerAddressMaps() {}

  /** The hook for this client's map, or null when it has none (then the client takes no hook). */
  static RPCHook hookFor(Config.Client config) {
    Map<String, String> map = config.brokerAddressMap;
    if (map == null || map.isEmpty()) return null;
    return new RouteRewrite(Map.copyOf(map));
  }

  private record RouteRewrite(Map<String, String> map) implements RPCHook {
    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {}

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
      if (request == null || response == null || request.getCode() != GET_ROUTEINFO_BY_TOPIC) return;
      byte[] body = response.getBody();
      if (body == null) return;
      String json = new String(body, StandardCharsets.UTF_8);
      // Addresses are JSON string values ("127.0.0.1:10911"): quoted, so a port that is a prefix
      // of another ("...:1091") never matches inside it.
      for (Map.Entry<String, String> e : map.entrySet())
        json = json.replace('"' + e.getKey() + '"', '"' + e.getValue() + '"');
      response.setBody(json.getBytes(StandardCharsets.UTF_8));
    }
  }
}
