import { diskSlowSpec } from '../../plan/fault-specs/disk-slow.ts';
import type { BlkioLimits } from '../../runtime/blkio-throttle.ts';
import { UsageError } from '../../util/errors.ts';
import type { FaultImplementation, ObservedFault } from '../fault-action.ts';
import { onceHandle } from './once-handle.ts';

/** `write 1.0 MiB/s, 50 IOPS; read 2.0 MiB/s`: the limits as the fault's record and the log say them. */
export function describeLimits(limits: BlkioLimits): string {
  const side = (name: string, bps: number | undefined, iops: number | undefined) => {
    const parts = [
      ...(bps !== undefined ? [`${(bps / 2 ** 20).toFixed(bps < 2 ** 20 ? 3 : 1)} MiB/s`] : []),
      ...(iops !== undefined ? [`${iops} IOPS`] : []),
    ];
    return parts.length > 0 ? [`${name} ${parts.join(', ')}`] : [];
  };
  return [...side('write', limits.writeBps, limits.writeIops), ...side('read', limits.readBps, limits.readIops)].join(
    '; ',
  );
}

/**
 * Throttles the loop device under a broker's store in the root blkio cgroup for the duration
 * (runtime/blkio-throttle.ts says why that mechanism); the end lifts every limit, and the I/O
 * the throttle held goes out at once. The run records the throttle, so a crash does not leave
 * the device slow.
 */
export const diskSlowAction: FaultImplementation<typeof diskSlowSpec> = {
  spec: diskSlowSpec,
  async begin(target, params, context) {
    const store = context.nodes?.storeThrottle?.(target);
    if (!store)
      throw new UsageError(
        `disk.slow: ${target} has no store device of its own (a broker of the local provider whose plan has disk.slow)`,
      );
    const limits: BlkioLimits = {
      ...(params.writeBps !== undefined ? { writeBps: params.writeBps } : {}),
      ...(params.writeIops !== undefined ? { writeIops: params.writeIops } : {}),
      ...(params.readBps !== undefined ? { readBps: params.readBps } : {}),
      ...(params.readIops !== undefined ? { readIops: params.readIops } : {}),
    };
    const begunAt = Date.now();
    store.throttle(limits);
    const what = describeLimits(limits);
    const observed: ObservedFault = {
      begunAt,
      detail: `${what} on ${target}'s store ${store.deviceName}`,
      node: target,
      keepsRole: true,
    };
    context.log(`[${target}] store throttled: ${what} (${store.deviceName})`);
    return onceHandle(
      observed,
      async () => {
        store.unthrottle();
        context.log(`[${target}] store throttle lifted`);
      },
      context.log,
    );
  },
};
