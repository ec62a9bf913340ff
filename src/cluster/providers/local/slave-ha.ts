/**
 * Points a slave's HA client at its `X->X-sM` Toxiproxy link.
 *
 * Why a request and not just broker.conf: in 5.3.3 a configured `haMasterAddress` is handed
 * to the HA service in `BrokerController.initializeBrokerScheduledTasks()`, but the HA client
 * that should keep it is only created in `DefaultMessageStore.start()` (`haService.init`),
 * later; the value is dropped and the slave logs "HAClient connect to master null failed"
 * forever (seen live). The config entry still matters: it turns off
 * `updateMasterHAServerAddrPeriodically`, so registration results never replace our address
 * with the master's own `brokerIP2:haListenPort` (a wildcard bind Toxiproxy cannot sit in
 * front of). The address itself is then set after boot with EXCHANGE_BROKER_HA_INFO, the
 * request a 5.x master uses to tell slaves its HA address
 * (`AdminBrokerProcessor.updateBrokerHaInfo` → `messageStore.updateHaMasterAddress`).
 */
import { RemotingConnection, createRequest, expectCode } from '../../../protocol/index.ts';

/** `RequestCode.EXCHANGE_BROKER_HA_INFO` in 5.3.3. */
export const EXCHANGE_BROKER_HA_INFO = 906;

export async function pointSlaveAtHaLink(
  slaveAddr: string,
  link: { masterHaAddress: string; masterAddress: string },
  timeoutMs = 5000,
): Promise<void> {
  const connection = await RemotingConnection.connect(slaveAddr);
  try {
    // masterFlushOffset only matters with syncMasterFlushOffsetWhenStartup (default false);
    // sent anyway so a slave configured that way does not unbox a null.
    const request = createRequest(EXCHANGE_BROKER_HA_INFO, {
      masterHaAddress: link.masterHaAddress,
      masterAddress: link.masterAddress,
      masterFlushOffset: 0,
    });
    expectCode(await connection.invoke(request, timeoutMs), slaveAddr, EXCHANGE_BROKER_HA_INFO);
  } finally {
    await connection.close();
  }
}
