import { createServer } from 'node:net';
import { EnvironmentError } from './errors.ts';

/**
 * Blocks of consecutive free ports for RocketMQ daemons, which bind the wildcard address and
 * derive neighbours from their listen port (a broker also takes listenPort-2 for its VIP
 * channel and listenPort+1 for HA). Ports come from 20000-32000, below Linux's ephemeral
 * range, so outgoing connections do not steal them between the check and the bind.
 */
const RANGE_START = 20_000;
const RANGE_END = 32_000;
const ATTEMPTS = 200;

/** `size` consecutive ports, none in `held`, each free on the wildcard address right now. */
export async function findFreeBlock(size: number, held: ReadonlySet<number> = new Set()): Promise<number[]> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const base = RANGE_START + Math.floor(Math.random() * (RANGE_END - RANGE_START - size));
    const block = Array.from({ length: size }, (_, i) => base + i);
    if (block.some((port) => held.has(port))) continue;
    if ((await Promise.all(block.map(isPortFree))).every(Boolean)) return block;
  }
  throw new EnvironmentError(
    'no-free-ports',
    `found no ${size} consecutive free ports in ${RANGE_START}-${RANGE_END} after ${ATTEMPTS} tries`,
    'stop leftover processes with `rmq-chaos cleanup` (or see `ss -ltnp`)',
  );
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // The wildcard address, as RocketMQ binds: a port free on 127.0.0.1 may be taken on *.
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
