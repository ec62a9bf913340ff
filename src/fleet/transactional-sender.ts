/**
 * A transactional producer's side of each message (Java's TransactionMQProducer with a
 * listener): send the half, run the "local transaction" for `endDelayMs`, then END_TRANSACTION
 * with the outcome `localOutcome` picks; and answer the broker's check-backs, for any instance
 * of the group, with `checkAnswer` after `checkDelayMs`. Every check-back answered is reported
 * (whose message, when its half was born, when the check came, the answer) so the coordinator
 * counts them and measures half → check-back latency.
 */
import type {
  HalfSendResult,
  OutgoingMessage,
  Producer,
  TransactionCheck,
  TransactionOutcome,
} from '../drivers/driver.ts';
import { UsageError } from '../util/errors.ts';
import { IDENTITY, type CheckBackTuple, type ProducerConfig } from './protocol.ts';
import { checkAnswer, localOutcome, type TransactionRates } from './transaction-choice.ts';

export type TransactionSettings = NonNullable<ProducerConfig['transaction']>;

export class TransactionalSender {
  private readonly ending = new Set<Promise<void>>();
  private checkBacks: CheckBackTuple[] = [];
  private readonly rates: TransactionRates;
  private producer: Producer | undefined;

  constructor(
    private readonly config: ProducerConfig & { transaction: TransactionSettings },
    private readonly log: (message: string) => void,
  ) {
    const { commit, rollback, unknown } = config.transaction;
    this.rates = { commit, rollback, unknown };
  }

  /** The producer to end transactions on; set once it exists (the checker is needed to create it). */
  attach(producer: Producer): void {
    if (!producer.sendHalf || !producer.endTransaction)
      throw new UsageError(
        `driver ${this.config.driver} has no transactional send; remove transaction from ${this.config.fleet}`,
      );
    this.producer = producer;
  }

  /** Sends message `seq` as a half and, once stored, schedules its END_TRANSACTION; resolves with the half's ack. */
  async send(message: OutgoingMessage, seq: number): Promise<HalfSendResult> {
    const producer = this.producer!;
    const half = await producer.sendHalf!(message);
    const outcome = localOutcome(this.rates, this.config.seed, this.config.producerId, seq);
    const ended: Promise<void> = delay(this.config.transaction.endDelayMs)
      .then(() => producer.endTransaction!(message.topic, half, outcome))
      // A lost END_TRANSACTION is what check-backs are for: log it, the broker will ask.
      .catch((error: unknown) => this.log(`END_TRANSACTION of seq ${seq} failed: ${String(error)}`))
      .finally(() => this.ending.delete(ended));
    this.ending.add(ended);
    return half;
  }

  /** The check-back listener: our answer for any instance's half; another run's half is rolled back. */
  readonly check = async (check: TransactionCheck): Promise<TransactionOutcome> => {
    const checkedAt = Date.now();
    const producerId = check.properties[IDENTITY.producer];
    const seq = Number(check.properties[IDENTITY.seq]);
    if (check.properties[IDENTITY.run] !== this.config.runId || !producerId || !Number.isInteger(seq) || seq < 0)
      return 'rollback';
    const answer = checkAnswer(this.rates, this.config.seed, producerId, seq);
    await delay(this.config.transaction.checkDelayMs);
    this.checkBacks.push([producerId, seq, check.bornTimestamp, checkedAt, answer, check.tag ?? '']);
    return answer;
  };

  /** Check-backs answered since the last call. */
  takeCheckBacks(): CheckBackTuple[] {
    const taken = this.checkBacks;
    this.checkBacks = [];
    return taken;
  }

  /** Waits for every scheduled END_TRANSACTION to leave. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.ending]);
  }
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
