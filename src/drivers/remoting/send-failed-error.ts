/**
 * The producer's failure after its retries: it keeps every attempt (broker and error) and takes
 * the countable `reason` of the last one, so a load report counts a send that failed over three
 * brokers once, by what finally stopped it.
 */
import { RemotingError, RemotingResponseError } from '../../protocol/index.ts';

/** A send that failed on every attempt; `last` is the final attempt's error, `reason` its reason. */
export class SendFailedError extends RemotingError {
  readonly reason: string;
  constructor(
    readonly topic: string,
    readonly attempts: { brokerName: string; error: RemotingError }[],
  ) {
    const last = attempts[attempts.length - 1]?.error;
    super(
      'remoting-send-failed',
      `send to ${topic} failed after ${attempts.length} attempt(s): ` +
        `${attempts.map((a) => `${a.brokerName}: ${a.error.message}`).join('; ')}`,
      undefined,
      undefined,
      { cause: last },
    );
    this.reason = last?.reason ?? 'no-route';
  }

  /** The broker's response code of the last attempt, when the broker answered. */
  get responseCode(): number | undefined {
    const last = this.attempts[this.attempts.length - 1]?.error;
    return last instanceof RemotingResponseError ? last.responseCode : undefined;
  }
}
