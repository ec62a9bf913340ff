import { statfs, unlink, open } from 'node:fs/promises';
import { join } from 'node:path';
import { diskFillSpec } from '../../plan/fault-specs/disk-fill.ts';
import { UsageError } from '../../util/errors.ts';
import type { FaultImplementation, ObservedFault } from '../fault-action.ts';
import { onceHandle } from './once-handle.ts';

/** The filler's name in the store dir: RocketMQ reads only its own subfolders there. */
export const FILL_FILE = 'rmq-chaos-disk-fill';
const CHUNK = Buffer.alloc(8 * 2 ** 20);

/**
 * Used share of a filesystem as RocketMQ's disk check computes it (UtilAll
 * getDiskPartitionSpaceUsedPercent: (total - free) / total, free counting reserved blocks).
 */
export async function usedRatio(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.blocks === 0 ? 0 : (s.blocks - s.bfree) / s.blocks;
}

/** Bytes to write so that `dir`'s filesystem is `ratio` used (0 when it already is). */
export async function bytesToFill(dir: string, ratio: number): Promise<number> {
  const s = await statfs(dir);
  const used = (s.blocks - s.bfree) * s.bsize;
  return Math.max(0, Math.ceil(ratio * s.blocks * s.bsize - used));
}

/**
 * Writes one file of zeros into a broker's bounded store until its filesystem is `ratio`
 * used; the end deletes it, and the broker's next disk check (cleanResourceInterval) marks the
 * disk OK again. Written, not preallocated: tmpfs counts pages actually written.
 */
export const diskFillAction: FaultImplementation<typeof diskFillSpec> = {
  spec: diskFillSpec,
  async begin(target, params, context) {
    const store = context.nodes?.boundedStore?.(target);
    if (!store)
      throw new UsageError(
        `disk.fill: ${target} has no bounded store (a broker of the local provider with cluster.storeSize)`,
      );
    const file = join(store, FILL_FILE);
    const begunAt = Date.now();
    let remaining = await bytesToFill(store, params.ratio);
    const handle = await open(file, 'w');
    try {
      while (remaining > 0) {
        const chunk = remaining >= CHUNK.length ? CHUNK : CHUNK.subarray(0, remaining);
        await handle.write(chunk);
        remaining -= chunk.length;
      }
    } catch (error) {
      // Full before the ratio (a ratio near 1): full is what was asked; anything else undoes the fill.
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
        await unlink(file).catch(() => {}); // the open descriptor is closed below
        throw error;
      }
    } finally {
      await handle.close().catch(() => {});
    }
    const reached = await usedRatio(store);
    const observed: ObservedFault = {
      begunAt,
      detail: `filled ${target}'s store to ${(reached * 100).toFixed(1)}% (asked ${(params.ratio * 100).toFixed(1)}%)`,
      node: target,
      keepsRole: true,
    };
    context.log(`[${target}] store ${(reached * 100).toFixed(1)}% full (${FILL_FILE})`);
    return onceHandle(
      observed,
      async () => {
        await unlink(file).catch(() => {});
        context.log(`[${target}] store freed (${((await usedRatio(store).catch(() => 0)) * 100).toFixed(1)}% used)`);
      },
      context.log,
    );
  },
};
