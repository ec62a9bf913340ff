import { createWriteStream, type WriteStream } from 'node:fs';
import { constants, createGzip, type Gzip } from 'node:zlib';
import type { FromWorker } from '../fleet/protocol.ts';
import type { LostMessage } from '../metrics/loss-breakdown.ts';

/**
 * Every message's life, for `rmq-chaos explain <run> <producer:seq>`: each ack (where the
 * broker wrote it), each delivery (to whom, when, what the handler answered) and, at the end,
 * each lost message with where the run attributes it. One JSON array per line, gzipped as
 * it is written (fastest level: the coordinator's time goes to the run, and these lines
 * compress about tenfold); the record types are documented in the README ("Explaining a
 * message"). The summary's breakdown lists some ids per cell; this file has them all.
 */
export const MESSAGE_LOG_FILE = 'messages.ndjson.gz';

/** ["ack", producerId, seq, sentAtMs, queue, queueOffset, tag] */
export type AckRecord = ['ack', string, number, number, string, number, string];
/** ["delivery", group, instance, producerId, seq, bornMs, receivedAtMs, queue, reconsumeTimes, outcome, kind] */
export type DeliveryRecord = [
  'delivery',
  string,
  string,
  string,
  number,
  number,
  number,
  string,
  number,
  'success' | 'retry',
  'first' | 'duplicate',
];
/**
 * ["lost", scope, producerId, seq, queue, tag, holder or "", window, offsetReused]; the last is
 * absent in logs written before rmq-chaos noted reused queue offsets.
 */
export type LostRecord = ['lost', string, string, number, string, string, string, string, boolean?];
export type MessageRecord = AckRecord | DeliveryRecord | LostRecord;

export class MessageLog {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly finished: Promise<void>;

  constructor(path: string) {
    this.gzip = createGzip({ level: constants.Z_BEST_SPEED });
    this.file = createWriteStream(path);
    this.finished = new Promise((resolve, reject) => {
      this.file.on('close', resolve);
      this.file.on('error', reject);
    });
    this.gzip.pipe(this.file);
  }

  acks(message: Extract<FromWorker, { type: 'acks' }>): void {
    let lines = '';
    message.seqs.forEach((seq, i) => {
      const record: AckRecord = [
        'ack',
        message.producerId,
        seq,
        message.sentAtMs[i] ?? 0,
        message.queues[i] ?? '',
        message.offsets[i] ?? -1,
        message.tags[i] ?? '',
      ];
      lines += `${JSON.stringify(record)}\n`;
    });
    if (lines) this.gzip.write(lines);
  }

  delivery(record: DeliveryRecord): void {
    this.gzip.write(`${JSON.stringify(record)}\n`);
  }

  lost(scope: string, lost: LostMessage): void {
    const record: LostRecord = [
      'lost',
      scope,
      lost.producerId,
      lost.seq,
      lost.queue,
      lost.tag,
      lost.holder ?? '',
      lost.window,
      lost.offsetReused,
    ];
    this.gzip.write(`${JSON.stringify(record)}\n`);
  }

  /** Flushes and closes the file; safe to call twice. */
  close(): Promise<void> {
    if (!this.gzip.writableEnded) this.gzip.end();
    return this.finished;
  }
}
