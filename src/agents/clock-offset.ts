/**
 * How far an agent's clock is from the coordinator's, from NTP-style exchanges: the
 * coordinator stamps a ping when it leaves (t0), the agent stamps it when it arrives (t1) and
 * when its answer leaves (t2), the coordinator stamps the answer when it arrives (t3). With
 * the agent's clock ahead by θ and one-way delays d1 out and d2 back:
 *
 *   t1 = t0 + d1 + θ,  t3 = t2 − θ + d2
 *   offset estimate = ((t1 − t0) + (t2 − t3)) / 2 = θ + (d1 − d2) / 2
 *
 * so the estimate is off by at most (d1 + d2) / 2: half the round trip, the agent's own time
 * (t2 − t1) taken out. That bound is reported with every figure that crosses hosts. Of several
 * exchanges the one with the shortest round trip has the tightest bound.
 */

/** One exchange: t0 and t3 on the coordinator's clock, t1 and t2 on the agent's, epoch ms. */
export interface ClockSample {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

export interface ClockOffset {
  /** The agent's clock minus the coordinator's, ms. */
  offsetMs: number;
  /** The true offset is within offsetMs ± errorMs. */
  errorMs: number;
  /** When it was measured, on the coordinator's clock (t3 of the exchange used). */
  measuredAt: number;
}

/** The offset one exchange gives; a sample whose times run backwards is refused. */
export function offsetOf(sample: ClockSample): ClockOffset {
  const { t0, t1, t2, t3 } = sample;
  if (t3 < t0 || t2 < t1) throw new RangeError(`clock sample runs backwards: t0 ${t0}, t1 ${t1}, t2 ${t2}, t3 ${t3}`);
  const roundTrip = t3 - t0 - (t2 - t1);
  return {
    offsetMs: (t1 - t0 + (t2 - t3)) / 2,
    // The agent's time between its stamps may exceed the coordinator's whole wait when the two
    // clocks run at different rates: never claim better than zero.
    errorMs: Math.max(0, roundTrip) / 2,
    measuredAt: t3,
  };
}

/** Of several exchanges, the one with the tightest bound (the shortest round trip). */
export function bestOffset(samples: readonly ClockSample[]): ClockOffset {
  if (samples.length === 0) throw new RangeError('no clock samples');
  return samples.map(offsetOf).reduce((best, o) => (o.errorMs < best.errorMs ? o : best));
}

/** A time stamped on an agent's clock, on the coordinator's. */
export function toCoordinatorClock(agentMs: number, offset: ClockOffset): number {
  return agentMs - offset.offsetMs;
}

/**
 * Latency of a message born on one host and received on another, each stamp on its own
 * host's clock, corrected by each host's offset to the coordinator (the coordinator's own
 * offset is 0 ± 0), with the error bound of the correction.
 */
export function crossHostLatency(
  bornAt: number,
  bornOn: ClockOffset,
  receivedAt: number,
  receivedOn: ClockOffset,
): { latencyMs: number; errorMs: number } {
  return {
    latencyMs: toCoordinatorClock(receivedAt, receivedOn) - toCoordinatorClock(bornAt, bornOn),
    errorMs: bornOn.errorMs + receivedOn.errorMs,
  };
}

/**
 * Epoch ms with the fraction the monotonic clock gives: clock exchanges on a LAN take well under
 * a millisecond, which Date.now() would round to a bound of 0.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The coordinator's own clock: no offset, no error. */
export const SAME_CLOCK: ClockOffset = { offsetMs: 0, errorMs: 0, measuredAt: 0 };
