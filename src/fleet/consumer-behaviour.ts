import type { ConsumeOutcome } from '../drivers/driver.ts';
import type { Random } from '../util/random.ts';
import type { ConsumerConfig } from './protocol.ts';

/**
 * What a simulated consumer does with each message: how long it "processes" (fixed, uniform
 * or exponential, seeded so runs repeat) and whether it asks for redelivery (the first N
 * messages exactly, for tests that need known duplicate counts; then a ratio at random).
 */
export class ConsumerBehaviour {
  private failedSoFar = 0;

  constructor(
    private readonly config: Pick<ConsumerConfig, 'consumeTime' | 'failure'>,
    private readonly random: Random,
  ) {}

  processingMs(): number {
    const t = this.config.consumeTime;
    switch (t.kind) {
      case 'fixed':
        return t.ms;
      case 'uniform':
        return t.minMs + this.random() * (t.maxMs - t.minMs);
      case 'exponential':
        return -Math.log(1 - this.random()) * t.meanMs;
    }
  }

  outcome(): ConsumeOutcome {
    const { first, ratio } = this.config.failure;
    if (this.failedSoFar < first) {
      this.failedSoFar++;
      return 'retry';
    }
    return ratio > 0 && this.random() < ratio ? 'retry' : 'success';
  }
}
