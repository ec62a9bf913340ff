import { connect } from 'node:net';
import { RemotingAdmin } from '../protocol/index.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { ClusterEndpoints } from './provider.ts';
import { signedBy } from './acl.ts';

/**
 * How long a booted broker may stay unlisted before it is asked to register now, and again
 * after each further period while it is missing (see registerBrokerNow: the request only helps
 * once the broker's client has found the name server reachable).
 */
export const REGISTER_NUDGE_EVERY_MS = 500;

/**
 * Brokers are ready when a real request says so: the name server's cluster info lists every
 * broker (master and slaves) at the address we gave it. A boot line alone is not enough: a
 * broker prints it before its first registration with the name server has gone through, and
 * a 5.x broker often skips that first one (RemotingAdmin.registerBrokerNow says why) and
 * would stay unlisted for 10 s: one still missing is asked to register now every
 * REGISTER_NUDGE_EVERY_MS. Seen here: a two-broker 5.3.3 cluster was ready in 17-20 s in 6 of
 * 14 starts without the request, in 8-11 s in 15 of 15 with it.
 */
export async function waitForBrokersRegistered(endpoints: ClusterEndpoints, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const expected = endpoints.brokers.map((b) => ({ key: `${b.name}#${b.brokerId}@${b.addr}`, addr: b.addr }));
  const admin = RemotingAdmin.create({
    namesrvAddr: endpoints.namesrvAddr,
    requestTimeoutMs: 3000,
    ...signedBy(endpoints),
  });
  let nudgedAt = started;
  let seen: string[] = [];
  let lastError = '';
  try {
    for (;;) {
      try {
        const info = await admin.clusterInfo();
        seen = Object.values(info.brokerAddrTable).flatMap((b) =>
          Object.entries(b.brokerAddrs).map(([id, addr]) => `${b.brokerName}#${id}@${addr}`),
        );
        const missing = expected.filter((e) => !seen.includes(e.key));
        if (missing.length === 0) return;
        if (Date.now() - nudgedAt >= REGISTER_NUDGE_EVERY_MS) {
          nudgedAt = Date.now();
          // A broker that does not answer yet is asked again next time.
          await Promise.all(missing.map((m) => admin.registerBrokerNow(m.addr).catch(() => undefined)));
        }
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline) {
        throw new HarnessError(
          'cluster-not-ready',
          `the name server lists ${seen.join(', ') || 'no broker'} after ${timeoutMs} ms; expected ` +
            `${expected.map((e) => e.key).join(', ')}${lastError ? ` (last error: ${lastError})` : ''}`,
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

async function accepts(addr: string, timeoutMs = 1000): Promise<boolean> {
  return (await connectOnce(addr, timeoutMs)) === undefined;
}

/** One TCP connection attempt: undefined when it was accepted, else why not (`ECONNREFUSED`, a timeout). */
export function connectOnce(addr: string, timeoutMs: number): Promise<string | undefined> {
  const i = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)), timeout: timeoutMs });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.once('timeout', () => done(`no answer within ${timeoutMs} ms`));
  });
}
