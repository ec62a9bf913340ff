/**
 * One consumer instance's receipts over an interval as columns, the form an agent streams to
 * the coordinator instead of one JSON tuple per receipt (issue 18: one coordinator ingests
 * 2 million receipts/s). Producer ids, queues and tags become dictionaries; each field is one
 * column of integers packed little-endian into a base64 string, and the outcome one bit per
 * receipt.
 *
 * Why this shape (measured by `npm run bench coordinator`): JSON.parse is the floor of any line
 * protocol, and JSON.parse of a base64 string costs a copy, not a parse per receipt, while
 * Buffer.from(base64) decodes natively. Every integer column takes the narrowest of u8, u16
 * and u32 that holds its values less its minimum (`base`), so indices and seqs of one batch,
 * and times against the batch's earliest, mostly take 1 or 2 bytes. A column with a value
 * that is no integer (a time with a fraction; real workers stamp whole milliseconds) falls
 * back to f64, so decoding gives back exactly what was encoded, which the ledger's equivalence
 * with `receipts` messages needs.
 *
 * The decoder trusts nothing: lengths, base64, dictionary indices (in order of first use,
 * every entry used, none twice), seq and time ranges are checked before anything reaches the
 * ledger, and a batch in another format fails naming what is wrong (ReceiptBatchError).
 */
import { z } from 'zod';
import type { ReceiptTuple } from '../fleet/protocol.ts';
import { bitAt, type ReceiptColumns, setBit } from '../metrics/receipt-columns.ts';
import { HarnessError } from '../util/errors.ts';

/** Bumped on any change to the batch's layout; a batch of another format is refused. */
export const RECEIPT_BATCH_FORMAT = 1;

/** A batch that does not decode: `problem` names the field and what is wrong with it. */
export class ReceiptBatchError extends HarnessError {
  constructor(
    readonly instanceId: string,
    readonly problem: string,
  ) {
    super('receipt-batch-invalid', `receipt batch of ${JSON.stringify(instanceId)} refused: ${problem}`);
  }
}

const columnType = z.enum(['u8', 'u16', 'u32', 'f64']);
type ColumnType = z.infer<typeof columnType>;

const column = z
  .object({
    type: columnType.describe('Element type, little-endian: u8, u16, u32 (value = base + element) or f64 (the value).'),
    base: z.number().describe('Added to every element of an integer column; 0 for f64.'),
    data: z.string().describe('The elements, base64.'),
  })
  .strict()
  .meta({ id: 'ReceiptColumn', description: 'One field of every receipt of a batch.' });
export type ReceiptColumn = z.infer<typeof column>;

export const receiptBatch = z
  .object({
    type: z.literal('receipt-batch'),
    format: z.literal(RECEIPT_BATCH_FORMAT).describe('Layout version of the batch.'),
    instanceId: z.string().describe('Consumer instance whose receipts these are.'),
    count: z.number().int().nonnegative().describe('Receipts in the batch (the length of every column).'),
    foreign: z.number().int().nonnegative().describe('Deliveries of messages this run did not send.'),
    producers: z.array(z.string()).describe('Producer ids, in order of first use.'),
    queues: z.array(z.string()).describe('Queues "topic@broker/queueId", in order of first use.'),
    tags: z.array(z.string()).describe("Tags ('' for none), in order of first use."),
    producer: column.describe('Index into producers.'),
    seq: column.describe("The sender's sequence number."),
    born: column.describe('bornTimestampMs, epoch ms.'),
    received: column.describe('receivedAtMs, epoch ms.'),
    queue: column.describe('Index into queues.'),
    tag: column.describe('Index into tags.'),
    reconsumeTimes: column.describe('0 on first delivery.'),
    retry: z.string().describe('One bit per receipt, bit i of byte i/8 set: the handler answered retry. Base64.'),
  })
  .strict()
  .meta({
    id: 'ReceiptBatch',
    description: "One consumer instance's receipts over an interval, as columns (src/agents/receipt-batch.ts).",
  });
export type ReceiptBatch = z.infer<typeof receiptBatch>;

/**
 * A batch as the coordinator ingests it: one typed array per field, index columns into the
 * dictionaries, times as absolute epoch ms. Retry bit i: `(retry[i >>> 3] >>> (i & 7)) & 1`.
 */
export interface DecodedReceiptBatch extends ReceiptColumns {
  readonly instanceId: string;
  readonly foreign: number;
  readonly tags: readonly string[];
  readonly tag: Uint32Array;
  readonly reconsumeTimes: Float64Array;
}

/** Typed arrays are read in the host's byte order; the wire's is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const WIDTH: Record<ColumnType, number> = { u8: 1, u16: 2, u32: 4, f64: 8 };
const MAX_U32 = 0xffffffff;

function base64Of(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** The narrowest column that gives back exactly `values`. */
function encodeColumn(values: Float64Array): ReceiptColumn {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isSafeInteger(v)) integers = false;
  }
  if (values.length === 0) return { type: 'u8', base: 0, data: '' };
  const range = max - min;
  if (!integers || range > MAX_U32) return { type: 'f64', base: 0, data: base64Of(values) };
  const narrow =
    range < 0x100
      ? new Uint8Array(values.length)
      : range < 0x10000
        ? new Uint16Array(values.length)
        : new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) narrow[i] = values[i]! - min;
  const type: ColumnType = narrow instanceof Uint8Array ? 'u8' : narrow instanceof Uint16Array ? 'u16' : 'u32';
  return { type, base: min, data: base64Of(narrow) };
}

/** Dictionary of strings in order of first use, and each item's index into it. */
function dictionary(count: number, valueAt: (i: number) => string): { names: string[]; indices: Float64Array } {
  const names: string[] = [];
  const known = new Map<string, number>();
  const indices = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const name = valueAt(i);
    let index = known.get(name);
    if (index === undefined) {
      index = names.length;
      known.set(name, index);
      names.push(name);
    }
    indices[i] = index;
  }
  return { names, indices };
}

/**
 * The batch for `items` (one `receipts` message's, or several of one instance's in arrival
 * order) and `foreign` deliveries. Throws ReceiptBatchError for a seq past 2^32 − 1, which the
 * ledger cannot hold either.
 */
export function encodeReceiptBatch(instanceId: string, items: readonly ReceiptTuple[], foreign: number): ReceiptBatch {
  if (!LITTLE_ENDIAN) throw new ReceiptBatchError(instanceId, 'this host is big-endian; the wire is little-endian');
  const count = items.length;
  const producers = dictionary(count, (i) => items[i]![0]);
  const queues = dictionary(count, (i) => items[i]![4]);
  const tags = dictionary(count, (i) => items[i]![7]);
  const seq = new Float64Array(count);
  const born = new Float64Array(count);
  const received = new Float64Array(count);
  const reconsumeTimes = new Float64Array(count);
  const retry = new Uint8Array((count + 7) >>> 3);
  for (let i = 0; i < count; i++) {
    const item = items[i]!;
    if (item[1] > MAX_U32) throw new ReceiptBatchError(instanceId, `seq ${item[1]} of item ${i} is past 2^32 - 1`);
    seq[i] = item[1];
    born[i] = item[2];
    received[i] = item[3];
    reconsumeTimes[i] = item[5];
    if (item[6] === 'retry') setBit(retry, i);
  }
  return {
    type: 'receipt-batch',
    format: RECEIPT_BATCH_FORMAT,
    instanceId,
    count,
    foreign,
    producers: producers.names,
    queues: queues.names,
    tags: tags.names,
    producer: encodeColumn(producers.indices),
    seq: encodeColumn(seq),
    born: encodeColumn(born),
    received: encodeColumn(received),
    queue: encodeColumn(queues.indices),
    tag: encodeColumn(tags.indices),
    reconsumeTimes: encodeColumn(reconsumeTimes),
    retry: base64Of(retry),
  };
}

/** Validates a value as a batch (the schema); a ReceiptBatchError names the first problem. */
export function parseReceiptBatch(value: unknown): ReceiptBatch {
  const parsed = receiptBatch.safeParse(value);
  if (parsed.success) return parsed.data;
  const instanceId =
    typeof value === 'object' && value !== null && 'instanceId' in value ? String(value.instanceId) : '?';
  const issue = parsed.error.issues[0];
  throw new ReceiptBatchError(instanceId, `${issue?.path.join('.') || 'batch'}: ${issue?.message ?? 'invalid'}`);
}

/** Base64 of `bytes` bytes is exactly this long (with padding, as Buffer writes it). */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** The bytes of a base64 field, refusing a length that is not exactly `bytes`. */
function bytesOf(batch: ReceiptBatch, name: string, data: string, bytes: number, align: number): Uint8Array {
  const decoded = Buffer.from(data, 'base64');
  if (data.length !== base64Length(bytes) || decoded.length !== bytes)
    throw new ReceiptBatchError(
      batch.instanceId,
      `${name}: ${data.length} base64 characters (${decoded.length} bytes), expected ${bytes} bytes`,
    );
  // A typed view needs an aligned offset; Buffer.from may hand out a slice of its pool.
  return decoded.byteOffset % align === 0 ? decoded : new Uint8Array(decoded);
}

type ColumnName = 'producer' | 'seq' | 'born' | 'received' | 'queue' | 'tag' | 'reconsumeTimes';
const COLUMNS: readonly ColumnName[] = ['producer', 'seq', 'born', 'received', 'queue', 'tag', 'reconsumeTimes'];

/** A column's values as absolute numbers. */
function valuesOf(batch: ReceiptBatch, name: ColumnName, out: Float64Array | Uint32Array): void {
  const col = batch[name];
  const width = WIDTH[col.type];
  const bytes = bytesOf(batch, name, col.data, batch.count * width, width);
  const n = batch.count;
  if (col.type === 'f64') {
    if (col.base !== 0)
      throw new ReceiptBatchError(batch.instanceId, `${name}: an f64 column has base 0, not ${col.base}`);
    const raw = new Float64Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const v = raw[i]!;
      if (!Number.isFinite(v)) throw new ReceiptBatchError(batch.instanceId, `${name}[${i}] is ${v}`);
      out[i] = v;
    }
    return;
  }
  if (!Number.isSafeInteger(col.base))
    throw new ReceiptBatchError(batch.instanceId, `${name}: base ${col.base} is no safe integer`);
  const raw =
    col.type === 'u8'
      ? bytes
      : col.type === 'u16'
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
        : new Uint32Array(bytes.buffer, bytes.byteOffset, n);
  const base = col.base;
  for (let i = 0; i < n; i++) out[i] = base + raw[i]!;
}

/** Integers in 0..2^32 − 1 (seqs, indices): their float values checked, then narrowed. */
function unsignedOf(batch: ReceiptBatch, name: 'producer' | 'seq' | 'queue' | 'tag'): Uint32Array {
  const col = batch[name];
  const out = new Uint32Array(batch.count);
  if (col.type !== 'f64' && col.base >= 0 && col.base + (2 ** (8 * WIDTH[col.type]) - 1) <= MAX_U32) {
    valuesOf(batch, name, out);
    return out;
  }
  // A base or an f64 column that can leave the range: check every value.
  const wide = new Float64Array(batch.count);
  valuesOf(batch, name, wide);
  for (let i = 0; i < wide.length; i++) {
    const v = wide[i]!;
    if (!Number.isInteger(v) || v < 0 || v > MAX_U32)
      throw new ReceiptBatchError(batch.instanceId, `${name}[${i}] is ${v}, not an integer in 0..2^32-1`);
    out[i] = v;
  }
  return out;
}

/**
 * The dictionary indices must name its entries in order of first use, every entry used once
 * at least, no entry twice: then a batch has one encoding, and folding per entry keeps the
 * order a receipt-by-receipt fold would have (first seen, first inserted).
 */
function checkIndices(batch: ReceiptBatch, name: string, indices: Uint32Array, names: readonly string[]): void {
  let next = 0;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (index >= names.length)
      throw new ReceiptBatchError(batch.instanceId, `${name}[${i}] is ${index}, past its ${names.length} entries`);
    if (index === next) next++;
    else if (index > next)
      throw new ReceiptBatchError(batch.instanceId, `${name}[${i}] is ${index}, used before entry ${next}`);
  }
  if (next !== names.length)
    throw new ReceiptBatchError(batch.instanceId, `${name}: ${names.length} dictionary entries, ${next} used`);
  if (new Set(names).size !== names.length)
    throw new ReceiptBatchError(batch.instanceId, `${name}: a dictionary entry appears twice`);
}

/** Checks a (schema-valid) batch through and gives its columns; throws ReceiptBatchError. */
export function decodeReceiptBatch(batch: ReceiptBatch): DecodedReceiptBatch {
  if (!LITTLE_ENDIAN)
    throw new ReceiptBatchError(batch.instanceId, 'this host is big-endian; the wire is little-endian');
  if (batch.format !== RECEIPT_BATCH_FORMAT)
    throw new ReceiptBatchError(
      batch.instanceId,
      `format ${batch.format}, this coordinator reads ${RECEIPT_BATCH_FORMAT}`,
    );
  const n = batch.count;
  // Every length first, so a batch claiming a huge count is refused before anything is allocated.
  for (const name of COLUMNS) {
    const col = batch[name];
    if (col.data.length !== base64Length(n * WIDTH[col.type]))
      throw new ReceiptBatchError(
        batch.instanceId,
        `${name}: ${col.data.length} base64 characters, expected ${base64Length(n * WIDTH[col.type])} ` +
          `(${n} ${col.type})`,
      );
  }
  if (batch.retry.length !== base64Length((n + 7) >>> 3))
    throw new ReceiptBatchError(batch.instanceId, `retry: ${batch.retry.length} base64 characters for ${n} bits`);
  const producer = unsignedOf(batch, 'producer');
  const queue = unsignedOf(batch, 'queue');
  const tag = unsignedOf(batch, 'tag');
  checkIndices(batch, 'producer', producer, batch.producers);
  checkIndices(batch, 'queue', queue, batch.queues);
  checkIndices(batch, 'tag', tag, batch.tags);
  const seq = unsignedOf(batch, 'seq');
  const born = new Float64Array(n);
  const received = new Float64Array(n);
  const reconsumeTimes = new Float64Array(n);
  valuesOf(batch, 'born', born);
  valuesOf(batch, 'received', received);
  valuesOf(batch, 'reconsumeTimes', reconsumeTimes);
  // An integer column holds integers by construction; only f64 elements need the look.
  if (batch.reconsumeTimes.type === 'f64')
    for (let i = 0; i < n; i++)
      if (!Number.isInteger(reconsumeTimes[i]))
        throw new ReceiptBatchError(batch.instanceId, `reconsumeTimes[${i}] is ${reconsumeTimes[i]}, not an integer`);
  const retry = bytesOf(batch, 'retry', batch.retry, (n + 7) >>> 3, 1);
  if (n % 8 !== 0 && retry[retry.length - 1]! >>> (n % 8) !== 0)
    throw new ReceiptBatchError(batch.instanceId, 'retry: bits set past the last receipt');
  return {
    instanceId: batch.instanceId,
    count: n,
    foreign: batch.foreign,
    producers: batch.producers,
    queues: batch.queues,
    tags: batch.tags,
    producer,
    seq,
    born,
    received,
    queue,
    tag,
    reconsumeTimes,
    retry,
  };
}

/** Receipt i of a decoded batch as the tuple a `receipts` message carries (tests, `explain`). */
export function receiptAt(batch: DecodedReceiptBatch, i: number): ReceiptTuple {
  return [
    batch.producers[batch.producer[i]!]!,
    batch.seq[i]!,
    batch.born[i]!,
    batch.received[i]!,
    batch.queues[batch.queue[i]!]!,
    batch.reconsumeTimes[i]!,
    bitAt(batch.retry, i) ? 'retry' : 'success',
    batch.tags[batch.tag[i]!]!,
  ];
}
