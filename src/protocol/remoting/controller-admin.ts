/**
 * The two requests of RocketMQ 5.x's controller the harness needs (seen live on 5.3.3 and
 * 5.5.0): who leads the controllers (CONTROLLER_GET_METADATA_INFO, answered by any controller
 * in the response's ext fields; the leader fields are absent while there is none) and each
 * broker name's sync state set (CONTROLLER_GET_SYNC_STATE_DATA, only the leader answers; the
 * body is a JSON array of broker names). Controller ids in the answer are the controller's
 * own (1, 2, ...), not the route's brokerId 0 for a master.
 */
import { z } from 'zod';
import { RemotingConnection, createRequest, expectCode } from './connection.ts';
import { parseBody } from './route.ts';

export const CONTROLLER_GET_METADATA_INFO = 1005;
export const CONTROLLER_GET_SYNC_STATE_DATA = 1006;

export interface ControllerMetadata {
  /** The leading controller's address, undefined while the controllers elect one. */
  leaderAddress: string | undefined;
  isLeader: boolean;
}

const ReplicaSchema = z.object({ brokerAddress: z.string(), brokerId: z.number(), alive: z.boolean() });
const SyncStateSchema = z.object({
  replicasInfoTable: z.record(
    z.string(),
    z.object({
      masterAddress: z.string().optional(),
      inSyncReplicas: z.array(ReplicaSchema),
      notInSyncReplicas: z.array(ReplicaSchema),
    }),
  ),
});
export type SyncStates = z.infer<typeof SyncStateSchema>['replicasInfoTable'];

async function ask<T>(addr: string, work: (c: RemotingConnection) => Promise<T>): Promise<T> {
  const connection = await RemotingConnection.connect(addr);
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

export function controllerMetadata(addr: string, timeoutMs = 3000): Promise<ControllerMetadata> {
  return ask(addr, async (c) => {
    const response = await c.invoke(createRequest(CONTROLLER_GET_METADATA_INFO), timeoutMs);
    expectCode(response, addr, CONTROLLER_GET_METADATA_INFO);
    const fields = response.extFields ?? {};
    return { leaderAddress: fields['controllerLeaderAddress'] || undefined, isLeader: fields['isLeader'] === 'true' };
  });
}

/** Sync state sets of `brokerNames`, asked of the leading controller `leaderAddr`. */
export function syncStates(leaderAddr: string, brokerNames: readonly string[], timeoutMs = 3000): Promise<SyncStates> {
  return ask(leaderAddr, async (c) => {
    const body = Buffer.from(JSON.stringify(brokerNames));
    const response = await c.invoke(createRequest(CONTROLLER_GET_SYNC_STATE_DATA, {}, body), timeoutMs);
    expectCode(response, leaderAddr, CONTROLLER_GET_SYNC_STATE_DATA);
    return parseBody(SyncStateSchema, response.body, 'sync state data').replicasInfoTable;
  });
}

/** The leading controller's address, asked of each controller in turn; undefined while none leads. */
export async function controllerLeader(
  controllerAddrs: readonly string[],
  timeoutMs = 3000,
): Promise<string | undefined> {
  for (const addr of controllerAddrs) {
    try {
      const meta = await controllerMetadata(addr, timeoutMs);
      if (meta.leaderAddress) return meta.leaderAddress;
    } catch {
      // That controller is down or unreachable: ask the next.
    }
  }
  return undefined;
}
