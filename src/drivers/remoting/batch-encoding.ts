/**
 * The body of a SEND_BATCH_MESSAGE request: the batch's messages one after another, each in
 * Java's `MessageDecoder.encodeMessage` layout (what `MessageBatch.encode` concatenates):
 *
 *   int totalSize | int magic (0) | int bodyCRC (0) | int flag | int bodyLength | body |
 *   short propertiesLength | properties (UTF-8)
 *
 * The broker fills in magic and CRC when it stores each message.
 */

/** One message of a batch: its flag, body and properties already formatted (`formatProperties`). */
export interface BatchEntry {
  flag: number;
  body: Buffer;
  properties: string;
}

/** Java's `MessageDecoder.encodeMessage`: properties longer than a short are refused, not truncated. */
export function encodeBatchEntry(entry: BatchEntry): Buffer {
  const properties = Buffer.from(entry.properties, 'utf8');
  if (properties.length > 0x7fff)
    throw new RangeError(`message properties are ${properties.length} bytes; a batch entry holds at most 32767`);
  const totalSize = 4 + 4 + 4 + 4 + 4 + entry.body.length + 2 + properties.length;
  const out = Buffer.alloc(totalSize);
  let at = out.writeInt32BE(totalSize, 0);
  at = out.writeInt32BE(0, at); // magic code: the broker's to set
  at = out.writeInt32BE(0, at); // body CRC: the broker's to compute
  at = out.writeInt32BE(entry.flag, at);
  at = out.writeInt32BE(entry.body.length, at);
  at += entry.body.copy(out, at);
  at = out.writeInt16BE(properties.length, at);
  properties.copy(out, at);
  return out;
}

/** Java's `MessageDecoder.encodeMessages`: the entries, concatenated in order. */
export function encodeBatchBody(entries: readonly BatchEntry[]): Buffer {
  return Buffer.concat(entries.map(encodeBatchEntry));
}
