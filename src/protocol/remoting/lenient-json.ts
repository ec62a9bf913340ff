/**
 * A small tolerant reader (and writer) for the JSON dialect fastjson produces in RocketMQ
 * response bodies. Standard `JSON.parse` rejects it because fastjson writes:
 * - map keys that are not strings, unquoted: `"brokerAddrs":{0:"127.0.0.1:10911"}`;
 * - map keys that are whole objects: ConsumeStats' `"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}`;
 * and, with some serializer features, single-quoted strings or trailing commas.
 *
 * Non-string keys become string keys: numbers as their decimal text (`"0"`), objects and
 * arrays as `JSON.stringify` of the parsed key, so callers can `JSON.parse` them back
 * (see `objectKey`). Integers beyond 2^53 lose precision, as they would with `JSON.parse`;
 * RocketMQ offsets and timestamps stay far below that.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class LenientJsonError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'LenientJsonError';
  }
}

export function parseLenientJson(text: string): JsonValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) throw new LenientJsonError('unexpected trailing text', parser.pos);
  return value;
}

/** The parsed form of an object-valued map key (the inverse of how the parser names it). */
export function objectKey(key: string): JsonValue {
  return parseLenientJson(key);
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  value(): JsonValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) throw new LenientJsonError('unexpected end of input', this.pos);
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"' || ch === "'") return this.string(ch);
    return this.bare();
  }

  private object(): { [key: string]: JsonValue } {
    this.pos++; // {
    const out: { [key: string]: JsonValue } = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.key();
      this.skipSpace();
      if (this.text[this.pos] !== ':') throw new LenientJsonError("expected ':'", this.pos);
      this.pos++;
      setOwn(out, key, this.value());
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ',') this.pos++;
      else if (sep !== '}') throw new LenientJsonError("expected ',' or '}'", this.pos);
    }
  }

  private key(): string {
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") return this.string(ch);
    if (ch === '{' || ch === '[') return JSON.stringify(this.value());
    const bare = this.bare();
    return typeof bare === 'string' ? bare : String(bare);
  }

  private array(): JsonValue[] {
    this.pos++; // [
    const out: JsonValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ',') this.pos++;
      else if (sep !== ']') throw new LenientJsonError("expected ',' or ']'", this.pos);
    }
  }

  private string(quote: string): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) throw new LenientJsonError('unterminated string', start);
      this.pos++;
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      switch (esc) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new LenientJsonError('bad \\u escape', this.pos);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        case 'x': {
          // fastjson may write control characters as \xNN.
          const hex = this.text.slice(this.pos, this.pos + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new LenientJsonError('bad \\x escape', this.pos);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 2;
          break;
        }
        case undefined:
          throw new LenientJsonError('unterminated string', start);
        default:
          out += esc; // \" \\ \/ \'
      }
    }
  }

  /** Numbers, true/false/null, and unquoted identifiers (kept as strings). */
  private bare(): JsonValue {
    const start = this.pos;
    while (this.pos < this.text.length && /[^\s,:{}[\]"']/.test(this.text[this.pos]!)) this.pos++;
    const word = this.text.slice(start, this.pos);
    if (word === '') throw new LenientJsonError('unexpected character', start);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null' || word === 'undefined') return null;
    // fastjson's WriteClassName adds L/S/B/F/D suffixes to numbers; accept them.
    const numeric = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[LSBFD]?$/.exec(word);
    if (numeric) return Number(word.replace(/[LSBFD]$/, ''));
    return word;
  }
}

/**
 * What `stringifyFastjson` writes. A `Map` becomes an object whose keys are written raw,
 * so object-valued keys come out as fastjson writes them (`{{"queueId":0}:...}`) and
 * a Java client or admin tool decodes them into `Map<MessageQueue, ...>`.
 */
export type FastjsonValue =
  | null
  | boolean
  | number
  | string
  | FastjsonValue[]
  | Map<FastjsonValue, FastjsonValue>
  | { [key: string]: FastjsonValue | undefined };

export function stringifyFastjson(value: FastjsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (Array.isArray(value)) return `[${value.map(stringifyFastjson).join(',')}]`;
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(`${stringifyFastjson(k)}:${stringifyFastjson(v)}`);
    return `{${parts.join(',')}}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyFastjson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Sets `key` as an own property even when it is `__proto__`: a plain assignment would change
 * the object's prototype instead, dropping the field and letting a peer's bytes reach the
 * prototype chain (found by the codec's fast-check property).
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
