import { join } from 'node:path';
import { withInstallLock } from '../setup/install-lock.ts';
import { findFreeBlock } from '../util/free-ports.ts';
import { isRunActive, listRunStates, type RunState } from './run-state.ts';

/**
 * Port blocks for the cluster's processes (util/free-ports.ts: whole blocks of consecutive
 * free ports). Allocation happens under a lock and is recorded in the run state, so two runs
 * at once never get the same block, and a port another live run holds is refused even if
 * that run's process is momentarily not listening on it.
 */

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
