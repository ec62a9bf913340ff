import { encodeHistogram, newHistogram } from '../../../src/metrics/histogram.ts';
import type { Measurements } from '../../../src/run/measurements.ts';

/** A run's coordinator view: producer p#0's acks, with the queue and offset each ack named. */
export function acked(m: Measurements, acks: { seq: number; queue: string; offset: number; at: number }[]): void {
  m.handle({
    type: 'acks',
    producerId: 'p#0',
    seqs: acks.map((a) => a.seq),
    tags: acks.map(() => ''),
    queues: acks.map((a) => a.queue),
    offsets: acks.map((a) => a.offset),
    sentAtMs: acks.map((a) => a.at),
    attempted: acks.length,
    errors: {},
    dropped: 0,
    sendLatency: encodeHistogram(newHistogram()),
  });
}
