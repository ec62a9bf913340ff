import { describe, expect, it } from 'vitest';
import { HandlerPool } from '../../../../src/drivers/grpc/handler-pool.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('HandlerPool', () => {
  it('runs at most `concurrency` jobs, in arrival order, and counts queued + running as size', async () => {
    const gates = new Map<number, ReturnType<typeof deferred>>();
    const started: number[] = [];
    const pool = new HandlerPool<number>(2, (n) => {
      started.push(n);
      const gate = deferred();
      gates.set(n, gate);
      return gate.promise;
    });
    for (let i = 0; i < 5; i++) pool.push(i);
    await tick();
    expect(started).toEqual([0, 1]);
    expect(pool.size).toBe(5);
    expect(pool.active).toBe(2);
    gates.get(1)!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(pool.size).toBe(4);
  });

  it('a failing job frees its slot like a finished one', async () => {
    const started: number[] = [];
    const pool = new HandlerPool<number>(1, async (n) => {
      started.push(n);
      if (n === 0) throw new Error('boom');
    });
    pool.push(0);
    pool.push(1);
    expect(await pool.idle(1000)).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('drainQueued hands back the jobs that have not started; idle waits for the running ones', async () => {
    const gate = deferred();
    const pool = new HandlerPool<string>(1, () => gate.promise);
    pool.push('a');
    pool.push('b');
    pool.push('c');
    await tick();
    expect(pool.drainQueued()).toEqual(['b', 'c']);
    expect(pool.size).toBe(1);
    const idle = pool.idle(1000);
    gate.resolve();
    expect(await idle).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('idle gives up after its timeout', async () => {
    const pool = new HandlerPool<number>(1, () => new Promise(() => {}));
    pool.push(1);
    const started = Date.now();
    expect(await pool.idle(50)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(await new HandlerPool<number>(1, async () => {}).idle(10)).toBe(true);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expect(() => new HandlerPool(0, async () => {})).toThrow(RangeError);
    expect(() => new HandlerPool(1.5, async () => {})).toThrow(RangeError);
  });
});
