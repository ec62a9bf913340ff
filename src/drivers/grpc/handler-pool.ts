/**
 * A bounded pool of async jobs in arrival order: at most `concurrency` run at once, the rest
 * wait in a queue. The grpc push consumer runs one job per received message (handler, then
 * ack or nack); `size` (queued + running) is what its receive loops use for flow control.
 */
export class HandlerPool<T> {
  private readonly queue: T[] = [];
  private running = 0;
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly concurrency: number,
    private readonly run: (item: T) => Promise<void>,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }

  /** Jobs queued or running. */
  get size(): number {
    return this.queue.length + this.running;
  }

  get active(): number {
    return this.running;
  }

  push(item: T): void {
    this.queue.push(item);
    this.pump();
  }

  /** Takes every job that has not started yet out of the queue and returns them. */
  drainQueued(): T[] {
    return this.queue.splice(0);
  }

  /** Resolves true once nothing is queued or running, false if that has not happened within `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(value);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const item = this.queue.shift() as T;
      this.running++;
      // A job's own failure is its business (the consumer's job catches everything); the pool only keeps count.
      Promise.resolve()
        .then(() => this.run(item))
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
          if (this.size === 0) for (const wake of [...this.idleWaiters]) wake();
        });
    }
  }
}
