/**
 * Frame codec of the RocketMQ remoting protocol (`RemotingCommand.encode/decode` in Java):
 *
 *   [int32 frame length = 4 + header length + body length]
 *   [int32 serialize type (high byte) | header length (low 3 bytes)]
 *   [header: JSON, or the ROCKETMQ binary layout]
 *   [body]
 *
 * We always send JSON headers (what Java clients send by default). A server does not answer
 * in the request's type but in its own configured one: a name server or broker started with
 * `ROCKETMQ_SERIALIZE_TYPE=ROCKETMQ` (or `-Drocketmq.serialize.type=ROCKETMQ`) answers JSON
 * requests with ROCKETMQ binary headers (checked against a 5.3.3 name server), so both are
 * decoded. When we answer a server-initiated request we mirror its type.
 */
import { LanguageCode, type LanguageName } from './request-codes.ts';
import { parseLenientJson, setOwn, type JsonValue } from './lenient-json.ts';

export type SerializeType = 'JSON' | 'ROCKETMQ';
const SERIALIZE_CODE: Record<SerializeType, number> = { JSON: 0, ROCKETMQ: 1 };

/** `RemotingCommand` flag bits: bit 0 marks a response, bit 1 a oneway request. */
export const FLAG_RESPONSE = 0x1;
export const FLAG_ONEWAY = 0x2;

/** Java's default `com.rocketmq.remoting.frameMaxLength` (16 MiB); larger frames mean a broken stream. */
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024;

export interface RemotingCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark?: string;
  /** Header fields; the protocol carries every value as a string. */
  extFields?: Record<string, string>;
  body?: Buffer;
  /** How the header arrived (decode only). */
  serializeType?: SerializeType;
}

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

/** Encodes one complete frame, length prefix included. */
export function encodeCommand(cmd: RemotingCommand, serializeType: SerializeType = 'JSON'): Buffer {
  const header = serializeType === 'JSON' ? encodeJsonHeader(cmd) : encodeRocketmqHeader(cmd);
  const body = cmd.body ?? Buffer.alloc(0);
  const prefix = Buffer.alloc(8);
  prefix.writeInt32BE(4 + header.length + body.length, 0);
  prefix.writeInt32BE((SERIALIZE_CODE[serializeType] << 24) | (header.length & 0xffffff), 4);
  return Buffer.concat([prefix, header, body]);
}

function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  const header: Record<string, unknown> = {
    code: cmd.code,
    language: cmd.language,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
  };
  if (cmd.remark !== undefined) header['remark'] = cmd.remark;
  if (cmd.extFields && Object.keys(cmd.extFields).length > 0) header['extFields'] = cmd.extFields;
  header['serializeTypeCurrentRPC'] = 'JSON';
  return Buffer.from(JSON.stringify(header), 'utf8');
}

/** `RocketMQSerializable.rocketMQProtocolEncode`; used by tests and for completeness. */
function encodeRocketmqHeader(cmd: RemotingCommand): Buffer {
  const parts: Buffer[] = [];
  const fixed = Buffer.alloc(13);
  fixed.writeInt16BE(cmd.code, 0);
  fixed.writeInt8(LanguageCode[cmd.language as LanguageName] ?? LanguageCode.OTHER, 2);
  fixed.writeInt16BE(cmd.version, 3);
  fixed.writeInt32BE(cmd.opaque, 5);
  fixed.writeInt32BE(cmd.flag, 9);
  parts.push(fixed, lengthPrefixed(Buffer.from(cmd.remark ?? '', 'utf8'), 4));
  const fields: Buffer[] = [];
  for (const [k, v] of Object.entries(cmd.extFields ?? {})) {
    fields.push(lengthPrefixed(Buffer.from(k, 'utf8'), 2), lengthPrefixed(Buffer.from(v, 'utf8'), 4));
  }
  parts.push(lengthPrefixed(Buffer.concat(fields), 4));
  return Buffer.concat(parts);
}

function lengthPrefixed(data: Buffer, width: 2 | 4): Buffer {
  const len = Buffer.alloc(width);
  if (width === 2) len.writeInt16BE(data.length, 0);
  else len.writeInt32BE(data.length, 0);
  return Buffer.concat([len, data]);
}

/** Decodes one frame without its 4-byte length prefix (`RemotingCommand.decode`). */
export function decodeCommand(frame: Buffer): RemotingCommand {
  if (frame.length < 4) throw new CodecError(`frame too short: ${frame.length} bytes`);
  const mark = frame.readUInt32BE(0);
  const headerLength = mark & 0xffffff;
  const typeCode = mark >>> 24;
  if (headerLength > frame.length - 4)
    throw new CodecError(`bad header length ${headerLength} in a ${frame.length}-byte frame`);
  const header = frame.subarray(4, 4 + headerLength);
  const cmd =
    typeCode === SERIALIZE_CODE.JSON
      ? decodeJsonHeader(header)
      : typeCode === SERIALIZE_CODE.ROCKETMQ
        ? decodeRocketmqHeader(header)
        : undefined;
  if (!cmd) throw new CodecError(`unknown serialize type ${typeCode}`);
  if (frame.length > 4 + headerLength) cmd.body = frame.subarray(4 + headerLength);
  return cmd;
}

function decodeJsonHeader(header: Buffer): RemotingCommand {
  const parsed = parseLenientJson(header.toString('utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CodecError('JSON header is not an object');
  const num = (v: JsonValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0);
  const cmd: RemotingCommand = {
    code: num(parsed['code']),
    language: typeof parsed['language'] === 'string' ? parsed['language'] : 'JAVA',
    version: num(parsed['version']),
    opaque: num(parsed['opaque']),
    flag: num(parsed['flag']),
    serializeType: 'JSON',
  };
  if (typeof parsed['remark'] === 'string') cmd.remark = parsed['remark'];
  const ext = parsed['extFields'];
  if (ext !== null && typeof ext === 'object' && !Array.isArray(ext)) {
    cmd.extFields = {};
    for (const [k, v] of Object.entries(ext)) {
      if (v !== null) setOwn(cmd.extFields, k, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return cmd;
}

function decodeRocketmqHeader(header: Buffer): RemotingCommand {
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > header.length) throw new CodecError('truncated ROCKETMQ header');
  };
  const readStr = (width: 2 | 4): string | undefined => {
    need(width);
    const len = width === 2 ? header.readInt16BE(pos) : header.readInt32BE(pos);
    pos += width;
    if (len <= 0) return undefined; // Java's readStr maps length 0 to null
    need(len);
    const s = header.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  need(13);
  const languageByte = header.readInt8(2);
  const language = Object.entries(LanguageCode).find(([, v]) => v === languageByte)?.[0] ?? 'OTHER';
  const cmd: RemotingCommand = {
    code: header.readInt16BE(0),
    language,
    version: header.readInt16BE(3),
    opaque: header.readInt32BE(5),
    flag: header.readInt32BE(9),
    serializeType: 'ROCKETMQ',
  };
  pos = 13;
  const remark = readStr(4);
  if (remark !== undefined) cmd.remark = remark;
  need(4);
  const extLength = header.readInt32BE(pos);
  pos += 4;
  if (extLength > 0) {
    const end = pos + extLength;
    if (end > header.length) throw new CodecError('ROCKETMQ extFields overrun the header');
    cmd.extFields = {};
    while (pos < end) {
      const k = readStr(2);
      const v = readStr(4);
      if (k !== undefined) setOwn(cmd.extFields, k, v ?? '');
    }
  }
  return cmd;
}

/**
 * Turns a TCP byte stream into frames, whatever the chunking: a frame may arrive in many
 * reads and one read may hold many frames. Chunks are kept as a list and joined only when a
 * whole frame is present, so a large pull body split into many reads is copied once.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected: number | undefined;

  constructor(private readonly maxFrameLength = MAX_FRAME_LENGTH) {}

  push(chunk: Buffer): RemotingCommand[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: RemotingCommand[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        const length = this.contiguous(4).readInt32BE(0);
        if (length < 4 || length > this.maxFrameLength) throw new CodecError(`bad frame length ${length}`);
        this.expected = length + 4;
      }
      if (this.buffered < this.expected) break;
      const frame = this.take(this.expected);
      this.expected = undefined;
      out.push(decodeCommand(frame.subarray(4)));
    }
    return out;
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.buffered;
  }

  private contiguous(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const head = this.contiguous(n);
    const frame = head.subarray(0, n);
    if (head.length === n) this.chunks.shift();
    else this.chunks[0] = head.subarray(n);
    this.buffered -= n;
    return frame;
  }
}
