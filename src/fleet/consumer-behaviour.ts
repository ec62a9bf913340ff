import type { ConsumeOutcome } from '../drivers/driver.ts';
import type { Random } from '../util/random.ts';
import { faultyChoice } from './faulty-consumer.ts';
import { isPoison } from './poison-messages.ts';
import type { ConsumerConfig } from './protocol.ts';

/**
 * What a simulated consumer does with each message: how long it "processes" (fixed, uniform
 * or exponential, seeded so runs repeat) and whether it asks for redelivery (the first N
 * messages exactly, for tests that need known duplicate counts; then a ratio at random), and,
 * with the `faultyConsumer` test aid, how many receipts a delivery gets (faulty-consumer.ts).
 * With `deadLetter`, poison messages (poison-messages.ts) fail on every delivery.
 */
export class ConsumerBehaviour {
  private failedSoFar = 0;

  constructor(
    private readonly config: Pick<ConsumerConfig, 'consumeTime' | 'failure' | 'faultyConsumer' | 'deadLetter' | 'seed'>,
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

  /**
   * The answer to the broker for one delivery of (producerId, seq): retry for a poison message,
   * always (the failures it takes do not count toward `first`); else the failure settings.
   */
  outcome(producerId: string, seq: number): ConsumeOutcome {
    const deadLetter = this.config.deadLetter;
    if (deadLetter && isPoison(deadLetter.poison, this.config.seed, producerId, seq)) return 'retry';
    const { first, ratio } = this.config.failure;
    if (this.failedSoFar < first) {
      this.failedSoFar++;
      return 'retry';
    }
    return ratio > 0 && this.random() < ratio ? 'retry' : 'success';
  }

  /**
   * Receipts to report for one delivery of (producerId, seq): 0 for a discarded message (the
   * handler still answers the broker success), 2 for a duplicated one, else 1.
   */
  receiptCopies(producerId: string, seq: number): 0 | 1 | 2 {
    const rates = this.config.faultyConsumer;
    if (!rates) return 1;
    const choice = faultyChoice(rates, this.config.seed, producerId, seq);
    return choice === 'discard' ? 0 : choice === 'duplicate' ? 2 : 1;
  }
}
