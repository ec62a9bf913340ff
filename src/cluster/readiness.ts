import { connect } from 'node:net';
import { RemotingAdmin } from '../protocol/index.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { ClusterEndpoints } from './provider.ts';

/**
 * Brokers are ready when a real request says so: the name server's cluster info lists every
 * broker (master and slaves) at the address we gave it. A boot line alone is not enough: a
 * broker prints it before its first registration with the name server has gone through.
 */
export async function waitForBrokersRegistered(endpoints: ClusterEndpoints, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const expected = endpoints.brokers.map((b) => `${b.name}#${b.brokerId}@${b.addr}`);
  const admin = RemotingAdmin.create({ namesrvAddr: endpoints.namesrvAddr, requestTimeoutMs: 3000 });
  let seen: string[] = [];
  let lastError = '';
  try {
    for (;;) {
      try {
        const info = await admin.clusterInfo();
        seen = Object.values(info.brokerAddrTable).flatMap((b) =>
          Object.entries(b.brokerAddrs).map(([id, addr]) => `${b.brokerName}#${id}@${addr}`),
        );
        if (expected.every((e) => seen.includes(e))) return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline) {
        throw new HarnessError(
          'cluster-not-ready',
          `the name server lists ${seen.join(', ') || 'no broker'} after ${timeoutMs} ms; expected ` +
            `${expected.join(', ')}${lastError ? ` (last error: ${lastError})` : ''}`,
        );
      }
      await sleep(250);
    }
  } finally {
    await admin.close();
  }
}

/** Waits until every address accepts a TCP connection (the proxy has no admin request here). */
export async function waitForPortsAccepting(addrs: readonly string[], timeoutMs: number, owner: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const addr of addrs) {
    while (!(await accepts(addr))) {
      if (Date.now() > deadline)
        throw new HarnessError('cluster-not-ready', `[${owner}] ${addr} accepts no connection after ${timeoutMs} ms`);
      await sleep(200);
    }
  }
}

function accepts(addr: string, timeoutMs = 1000): Promise<boolean> {
  const i = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)), timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
