import { createServer } from 'node:net';
import { join } from 'node:path';
import { withInstallLock } from '../setup/install-lock.ts';
import { EnvironmentError } from '../util/errors.ts';
import { isRunActive, listRunStates, type RunState } from './run-state.ts';

/**
 * Port blocks for the cluster's processes. RocketMQ daemons bind the wildcard address and
 * derive neighbours from their listen port (a broker also takes listenPort-2 for its VIP
 * channel and listenPort+1 for HA), so we hand out whole blocks of consecutive free ports.
 * Ports come from 20000-32000, below Linux's ephemeral range, so outgoing connections do not
 * steal them between allocation and bind. Allocation happens under a lock and is recorded
 * in the run state, so two runs at once never get the same block, and a port another live
 * run holds is refused even if that run's process is momentarily not listening on it.
 */
const RANGE_START = 20_000;
const RANGE_END = 32_000;
const ATTEMPTS = 200;

export async function allocatePortBlocks(runsDir: string, state: RunState, sizes: number[]): Promise<number[][]> {
  return withInstallLock(join(runsDir, '.ports.lock'), async () => {
    const held = new Set<number>();
    for (const run of listRunStates(runsDir)) {
      if (run.data.runId === state.snapshot.runId || isRunActive(run.data)) {
        for (const port of run.data.ports) held.add(port);
      }
    }
    const blocks: number[][] = [];
    for (const size of sizes) {
      const block = await findFreeBlock(size, held);
      for (const port of block) held.add(port);
      blocks.push(block);
    }
    state.claimPorts(blocks.flat());
    return blocks;
  });
}

async function findFreeBlock(size: number, held: Set<number>): Promise<number[]> {
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
