/**
 * The retry timeline of dead-lettered messages: when each delivery attempt of a poison message
 * arrived, and how the gap between attempts compares with the delay the broker should have
 * applied. A message sent back at reconsumeTimes k (with delay level 0, as Java's consumers do)
 * is delayed by level 3 + k of the broker's `messageDelayLevel` (10s, 30s, 1m, ... by default;
 * a level past the last is the last), so attempt k + 1 should follow attempt k by that delay
 * plus the consumer's handling and pull time.
 */

/** One attempt number's gaps over all messages that reached it. */
export interface RetryAttemptStats {
  /** The delivery's reconsumeTimes (1 = the first redelivery). */
  attempt: number;
  /** The broker delay level the send-back before it asked for (3 + attempt - 1). */
  delayLevel: number;
  /** That level's delay in the broker's messageDelayLevel. */
  expectedMs: number;
  /** Messages whose attempt and the one before were both seen. */
  count: number;
  observedP50Ms: number;
  observedP99Ms: number;
  /** Observed minus expected gap, p50 and p99 over the messages (positive: later than the level says). */
  lateP50Ms: number;
  lateP99Ms: number;
}

export interface RetryTimelineResult {
  /** The broker's delay levels used for the expectation, in ms (level 1 first). */
  delayLevelsMs: number[];
  /** Messages with at least one delivery recorded. */
  messages: number;
  attempts: RetryAttemptStats[];
}

/** The delay level a send-back at `reconsumeTimes` asks for (the broker's choice for delayLevel 0). */
export function retryDelayLevel(reconsumeTimes: number): number {
  return 3 + reconsumeTimes;
}

/** Delay of `level` (1-based) in `levelsMs`; levels past the last take the last, as the broker caps them. */
export function delayOfLevel(levelsMs: readonly number[], level: number): number {
  if (levelsMs.length === 0) throw new Error('internal: no delay levels');
  return levelsMs[Math.min(level, levelsMs.length) - 1]!;
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export class RetryTimeline {
  /** `scope producer:seq` → receipt time per reconsumeTimes (the first delivery of each attempt). */
  private readonly deliveries = new Map<string, number[]>();

  record(scope: string, producerId: string, seq: number, reconsumeTimes: number, receivedAt: number): void {
    const key = `${scope} ${producerId}:${seq}`;
    let times = this.deliveries.get(key);
    if (!times) this.deliveries.set(key, (times = []));
    if (times[reconsumeTimes] === undefined) times[reconsumeTimes] = receivedAt;
  }

  /** The delivery times of one message by attempt (sparse where an attempt was not seen). */
  timesOf(scope: string, producerId: string, seq: number): readonly (number | undefined)[] {
    return this.deliveries.get(`${scope} ${producerId}:${seq}`) ?? [];
  }

  /** Gaps per attempt over the messages of `scope` (every scope when absent), against `delayLevelsMs`. */
  result(delayLevelsMs: readonly number[], scope?: string): RetryTimelineResult {
    const gaps: number[][] = [];
    let messages = 0;
    for (const [key, times] of this.deliveries) {
      if (scope !== undefined && !key.startsWith(`${scope} `)) continue;
      messages++;
      for (let k = 1; k < times.length; k++) {
        const before = times[k - 1];
        const at = times[k];
        if (before === undefined || at === undefined) continue;
        (gaps[k] ??= []).push(at - before);
      }
    }
    const attempts: RetryAttemptStats[] = [];
    gaps.forEach((list, attempt) => {
      const level = retryDelayLevel(attempt - 1);
      const expectedMs = delayOfLevel(delayLevelsMs, level);
      const observed = [...list].sort((a, b) => a - b);
      const late = observed.map((gap) => gap - expectedMs);
      attempts.push({
        attempt,
        delayLevel: level,
        expectedMs,
        count: observed.length,
        observedP50Ms: percentile(observed, 50),
        observedP99Ms: percentile(observed, 99),
        lateP50Ms: percentile(late, 50),
        lateP99Ms: percentile(late, 99),
      });
    });
    return { delayLevelsMs: [...delayLevelsMs], messages, attempts };
  }
}
