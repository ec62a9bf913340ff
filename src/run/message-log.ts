import { createWriteStream, type WriteStream } from 'node:fs';
import { constants, createGzip, type Gzip } from 'node:zlib';
import { decodeReceiptBatch, parseReceiptBatch, type ReceiptBatch, receiptAt } from '../agents/receipt-batch.ts';
import type { FromWorker, ReceiptTuple } from '../fleet/protocol.ts';
import type { LostMessage } from '../metrics/loss-breakdown.ts';
import { bitAt } from '../metrics/receipt-columns.ts';

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
 * ["lost", scope, producerId, seq, queue, tag, holder or "", window, offsetReused, withHost or ""];
 * the last two are absent in logs written before rmq-chaos noted reused queue offsets and lost
 * hosts.
 */
export type LostRecord = ['lost', string, string, number, string, string, string, string, boolean?, string?];
/**
 * ["deliveries", group, duplicates, batch]: an agent's receipt batch (agents/receipt-batch.ts)
 * as it arrived, and `duplicates`, base64 of one bit per receipt (bit i of byte i/8 set: a
 * duplicate); it stands for one DeliveryRecord per receipt (deliveriesIn expands it).
 *
 * Why one record per batch: at 2 million receipts/s the coordinator cannot afford a
 * JSON.stringify and a write per delivery (that alone held it to a third of a million receipts/s,
 * `npm run bench coordinator`). The batch is already validated and already compact, so writing
 * it costs one stringify of a few base64 strings per batch; the only thing the coordinator adds
 * is what it alone knows, first or duplicate (its ledger), as a bitset. Agents writing their own
 * gzip members for the coordinator to append was the other design: it would put bytes in the
 * log the coordinator never checked and leave `kind` to be recomputed by every reader.
 * The deflate runs on libuv's threadpool, off the coordinator's thread.
 */
export type DeliveriesRecord = ['deliveries', string, string, ReceiptBatch];
/** ["dead-letter", group, producerId, seq, brokerName, dlqOffset]: read back from %DLQ%<group> after the drain. */
export type DeadLetterRecord = ['dead-letter', string, string, number, string, number];
export type MessageRecord = AckRecord | DeliveryRecord | LostRecord | DeliveriesRecord | DeadLetterRecord;

/**
 * The DeliveryRecords a DeliveriesRecord stands for, in order; with `only`, those of one
 * message. Throws ReceiptBatchError for a batch that does not decode.
 */
export function deliveriesIn(record: DeliveriesRecord, only?: { producerId: string; seq: number }): DeliveryRecord[] {
  const [, group, duplicates, wire] = record;
  const batch = decodeReceiptBatch(parseReceiptBatch(wire));
  const kinds = Buffer.from(duplicates, 'base64');
  const producerIndex = only ? batch.producers.indexOf(only.producerId) : -1;
  const records: DeliveryRecord[] = [];
  for (let i = 0; i < batch.count; i++) {
    if (only && (batch.producer[i] !== producerIndex || batch.seq[i] !== only.seq)) continue;
    records.push(deliveryRecord(group, batch.instanceId, receiptAt(batch, i), bitAt(kinds, i) ? 'duplicate' : 'first'));
  }
  return records;
}

/** One delivery's record: the receipt as the worker reported it, but its tag, and what the ledger made of it. */
export function deliveryRecord(
  group: string,
  instanceId: string,
  [producerId, seq, born, receivedAt, queue, reconsumeTimes, outcome]: ReceiptTuple,
  kind: DeliveryRecord[10],
): DeliveryRecord {
  return ['delivery', group, instanceId, producerId, seq, born, receivedAt, queue, reconsumeTimes, outcome, kind];
}

/** Characters of lines gathered before a write to the gzip stream. */
const CHUNK = 1 << 16;

export class MessageLog {
  private pending = '';
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
    if (lines) this.write(lines);
  }

  delivery(record: DeliveryRecord): void {
    this.write(`${JSON.stringify(record)}\n`);
  }

  /** A batch's deliveries to `group`, with which were duplicates (bit i set); see DeliveriesRecord. */
  deliveries(group: string, batch: ReceiptBatch, duplicates: Uint8Array): void {
    const record: DeliveriesRecord = [
      'deliveries',
      group,
      Buffer.from(duplicates.buffer, duplicates.byteOffset, duplicates.byteLength).toString('base64'),
      batch,
    ];
    this.write(`${JSON.stringify(record)}\n`);
  }

  deadLetter(group: string, producerId: string, seq: number, brokerName: string, dlqOffset: number): void {
    const record: DeadLetterRecord = ['dead-letter', group, producerId, seq, brokerName, dlqOffset];
    this.write(`${JSON.stringify(record)}\n`);
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
      lost.withHost ?? '',
    ];
    this.write(`${JSON.stringify(record)}\n`);
  }

  /**
   * Lines go to the gzip stream in chunks of about 64 KiB: each write to a zlib stream costs
   * the coordinator a chunk's bookkeeping and a trip to the threadpool, which for a line per
   * delivery cost more than the lines themselves (`npm run bench coordinator`, the close of
   * today's message log).
   */
  private write(lines: string): void {
    this.pending += lines;
    if (this.pending.length >= CHUNK) {
      this.gzip.write(this.pending);
      this.pending = '';
    }
  }

  /** Flushes and closes the file; safe to call twice. */
  close(): Promise<void> {
    if (this.pending) this.gzip.write(this.pending);
    this.pending = '';
    if (!this.gzip.writableEnded) this.gzip.end();
    return this.finished;
  }
}
