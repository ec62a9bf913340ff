/**
 * Decodes PULL_MESSAGE response bodies: a run of messages in the broker's commit-log
 * ("message store") format, as `MessageDecoder.decode` reads them in Java:
 *
 *   totalSize:int magic:int bodyCRC:int queueId:int flag:int queueOffset:long
 *   commitLogOffset:long sysFlag:int bornTimestamp:long bornHost:(4|16 bytes + port:int)
 *   storeTimestamp:long storeHost:(4|16 bytes + port:int) reconsumeTimes:int
 *   preparedTransactionOffset:long bodyLength:int body topicLength:(byte v1 | short v2) topic
 *   propertiesLength:short properties
 *
 * sysFlag bit 4/5 select IPv6 born/store hosts; bit 0 marks a compressed body whose codec
 * is in bits 8..10. Also builds and parses the properties string (name \u0001 value \u0002).
 */
import zlib from 'node:zlib';
import { RemotingProtocolError } from '../../protocol/index.ts';

export const MESSAGE_MAGIC_CODE_V1 = -626843481; // 0xDAA320A7
export const MESSAGE_MAGIC_CODE_V2 = -626843477; // 0xDAA320AB, 2-byte topic length

export const MessageSysFlag = {
  COMPRESSED: 0x1,
  MULTI_TAGS: 0x2,
  BORNHOST_V6: 0x1 << 4,
  STOREHOST_V6: 0x1 << 5,
  NEED_UNWRAP: 0x1 << 6,
  INNER_BATCH: 0x1 << 7,
  COMPRESSION_TYPE_MASK: 0x7 << 8,
} as const;

const NAME_VALUE_SEPARATOR = '\u0001';
const PROPERTY_SEPARATOR = '\u0002';

/** One message exactly as stored, before any consumer-side interpretation. */
export interface StoredMessage {
  magicVersion: 1 | 2;
  storeSize: number;
  bodyCrc: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  properties: Record<string, string>;
  /** Store-side id: store host + commit-log offset, hex (Java's offsetMsgId). */
  offsetMsgId: string;
}

/** Decodes every message in a pull body; a truncated tail is an error, not silently dropped. */
export function decodeMessages(body: Buffer): StoredMessage[] {
  const out: StoredMessage[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (body.length - pos < 4)
      throw new RemotingProtocolError(`pull body has ${body.length - pos} stray trailing bytes`);
    const size = body.readInt32BE(pos);
    if (size <= 0 || pos + size > body.length)
      throw new RemotingProtocolError(`message at byte ${pos} claims ${size} bytes, ${body.length - pos} remain`);
    out.push(decodeMessage(body.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

export function decodeMessage(buf: Buffer): StoredMessage {
  let pos = 0;
  const int = (): number => {
    const v = buf.readInt32BE(pos);
    pos += 4;
    return v;
  };
  const long = (): number => {
    const v = Number(buf.readBigInt64BE(pos));
    pos += 8;
    return v;
  };
  const host = (v6: boolean): { ip: string; bytes: Buffer } => {
    const len = v6 ? 16 : 4;
    const bytes = buf.subarray(pos, pos + len + 4);
    const ip = v6 ? ipv6(buf.subarray(pos, pos + 16)) : Array.from(buf.subarray(pos, pos + 4)).join('.');
    pos += len;
    const port = int();
    return { ip: v6 ? `[${ip}]:${port}` : `${ip}:${port}`, bytes };
  };
  try {
    const storeSize = int();
    const magic = int();
    if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) throw new Error(`bad magic code ${magic}`);
    const bodyCrc = int();
    const queueId = int();
    const flag = int();
    const queueOffset = long();
    const commitLogOffset = long();
    let sysFlag = int();
    const bornTimestamp = long();
    const born = host((sysFlag & MessageSysFlag.BORNHOST_V6) !== 0);
    const storeTimestamp = long();
    const store = host((sysFlag & MessageSysFlag.STOREHOST_V6) !== 0);
    const reconsumeTimes = int();
    const preparedTransactionOffset = long();
    const bodyLength = int();
    let body: Buffer = Buffer.from(buf.subarray(pos, pos + bodyLength));
    pos += bodyLength;
    if ((sysFlag & MessageSysFlag.COMPRESSED) !== 0) {
      body = decompress(body, (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) >> 8);
      sysFlag &= ~MessageSysFlag.COMPRESSED;
    }
    const topicLength = magic === MESSAGE_MAGIC_CODE_V1 ? buf.readInt8(pos) : buf.readInt16BE(pos);
    pos += magic === MESSAGE_MAGIC_CODE_V1 ? 1 : 2;
    const topic = buf.toString('utf8', pos, pos + topicLength);
    pos += topicLength;
    const propertiesLength = buf.readInt16BE(pos);
    pos += 2;
    const properties = propertiesLength > 0 ? parseProperties(buf.toString('utf8', pos, pos + propertiesLength)) : {};
    const offsetId = Buffer.alloc(store.bytes.length + 8);
    store.bytes.copy(offsetId, 0);
    offsetId.writeBigInt64BE(BigInt(commitLogOffset), store.bytes.length);
    return {
      magicVersion: magic === MESSAGE_MAGIC_CODE_V1 ? 1 : 2,
      storeSize,
      bodyCrc,
      queueId,
      flag,
      queueOffset,
      commitLogOffset,
      sysFlag,
      bornTimestamp,
      bornHost: born.ip,
      storeTimestamp,
      storeHost: store.ip,
      reconsumeTimes,
      preparedTransactionOffset,
      body,
      topic,
      properties,
      offsetMsgId: offsetId.toString('hex').toUpperCase(),
    };
  } catch (err) {
    if (err instanceof RemotingProtocolError) throw err;
    throw new RemotingProtocolError(`undecodable message: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

function decompress(body: Buffer, type: number): Buffer {
  // Type 0 is what producers before compression types wrote; Java treats it as zlib.
  if (type === 0 || type === 3) return zlib.inflateSync(body);
  if (type === 2) {
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
    if (zstd) return zstd(body);
  }
  throw new RemotingProtocolError(
    `compressed body of type ${type === 1 ? 'LZ4' : type === 2 ? 'ZSTD' : type} cannot be decoded by this Node.js`,
  );
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Java's `string2messageProperties`: pairs shorter than 3 chars or with an empty name/value are skipped. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let index = 0;
  while (index < text.length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = text.length;
    if (end - index >= 3) {
      const sep = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) out[text.slice(index, sep)] = text.slice(sep + 1, end);
    }
    index = end + 1;
  }
  return out;
}

/** Java's `messageProperties2String`. Separators inside names or values would corrupt the record. */
export function formatProperties(properties: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(properties)) {
    if (
      name.includes(NAME_VALUE_SEPARATOR) ||
      name.includes(PROPERTY_SEPARATOR) ||
      value.includes(NAME_VALUE_SEPARATOR) ||
      value.includes(PROPERTY_SEPARATOR)
    ) {
      throw new RemotingProtocolError(`property ${JSON.stringify(name)} contains a \\u0001 or \\u0002 separator`);
    }
    out += `${name}${NAME_VALUE_SEPARATOR}${value}${PROPERTY_SEPARATOR}`;
  }
  return out;
}

/** System property names (MessageConst) the driver reads or writes. */
export const MessageProperty = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  /** "true" on a transactional half message (MessageConst.PROPERTY_TRANSACTION_PREPARED). */
  TRANSACTION_PREPARED: 'TRAN_MSG',
  /** The half's producer group: the broker checks back with an instance of it. */
  PRODUCER_GROUP: 'PGROUP',
  /** RocketMQ 5 timer messages: deliver this many ms after storing (Message#setDelayTimeMs). */
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  /** Delay level (MessageConst.PROPERTY_DELAY_TIME_LEVEL, Message#setDelayTimeLevel): 1 = messageDelayLevel's first. */
  DELAY: 'DELAY',
  WAIT_STORE_MSG_OK: 'WAIT',
  UNIQ_KEY: 'UNIQ_KEY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  CONSUME_START_TIME: 'CONSUME_START_TIME',
} as const;

/** Separator between keys in the KEYS property (`MessageConst.KEY_SEPARATOR`). */
export const KEY_SEPARATOR = ' ';
