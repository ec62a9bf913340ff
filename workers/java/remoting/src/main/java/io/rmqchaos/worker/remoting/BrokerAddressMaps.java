package io.rmqchaos.worker.remoting;

import io.rmqchaos.worker.Config;

/**
 * brokerAddressMap (listed broker address → the address to dial, when Toxiproxy sits between
 * clients and brokers) has no clean hook in the Java remoting client: the address a request goes
 * to comes from MQClientInstance's brokerAddrTable, which every route refresh (30 s, and on
 * demand after a failure) rewrites from the name server's answer. An RPCHook sees the request,
 * not the address; rewriting the table after each refresh would race the refresh. So a config
 * with a non-empty map is refused, loudly, rather than run without the network faults it asks for.
 */
final class BrokerAddressMaps {
  private BrokerAddressMaps() {}

  static void refuseNonEmpty(Config.Client config) {
    if (config.brokerAddressMap != null && !config.brokerAddressMap.isEmpty()) {
      throw new IllegalArgumentException(
          "the Java remoting worker cannot dial brokers through brokerAddressMap (" + config.brokerAddressMap
              + "): the client takes broker addresses from the name server's routes only; run this fleet "
              + "without network faults between clients and brokers, or with the node driver");
    }
  }
}
