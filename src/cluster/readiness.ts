import { connect } from 'node:net';
import { HarnessError } from '../util/errors.ts';
import type { ClusterEndpoints } from './provider.ts';

/** Resolves when a TCP connection to host:port succeeds. */
export function canConnect(addr: string, timeoutMs = 1000): Promise<boolean> {
  const [host, port] = splitAddr(addr);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

export function splitAddr(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i), Number(addr.slice(i + 1))];
}

export async function waitForClusterReady(endpoints: ClusterEndpoints, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const addrs = [...endpoints.namesrvAddr.split(';'), ...endpoints.brokers.map((b) => b.addr)];
  for (const addr of addrs) {
    while (!(await canConnect(addr))) {
      if (Date.now() > deadline) throw new HarnessError('cluster-not-ready', `${addr} does not accept connections`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
