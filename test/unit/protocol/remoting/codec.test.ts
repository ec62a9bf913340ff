import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FrameDecoder,
  decodeCommand,
  encodeCommand,
  isOneway,
  isResponse,
  type RemotingCommand,
} from '../../../../src/protocol/remoting/codec.ts';

const arbCommand: fc.Arbitrary<RemotingCommand> = fc.record(
  {
    code: fc.integer({ min: -1000, max: 32767 }),
    language: fc.constantFrom('JAVA', 'CPP', 'GO', 'NODE_JS'),
    version: fc.integer({ min: 0, max: 32767 }),
    opaque: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    flag: fc.integer({ min: 0, max: 3 }),
    remark: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
    extFields: fc.option(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ minLength: 1, maxLength: 30 }), {
        maxKeys: 5,
      }),
      { nil: undefined },
    ),
    body: fc.option(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['code', 'language', 'version', 'opaque', 'flag'] },
);

/** What survives a round trip: empty extFields are not written, serializeType is added. */
function normalised(cmd: RemotingCommand): RemotingCommand {
  const out: RemotingCommand = {
    code: cmd.code,
    language: cmd.language,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
  };
  if (cmd.remark !== undefined) out.remark = cmd.remark;
  if (cmd.extFields && Object.keys(cmd.extFields).length > 0) out.extFields = cmd.extFields;
  if (cmd.body) out.body = cmd.body;
  return out;
}

function strip(cmd: RemotingCommand): RemotingCommand {
  const { serializeType: _ignored, ...rest } = cmd;
  return normalised(rest);
}

describe('codec', () => {
  it('round-trips JSON and ROCKETMQ headers', () => {
    fc.assert(
      fc.property(arbCommand, fc.constantFrom('JSON' as const, 'ROCKETMQ' as const), (cmd, type) => {
        const frame = encodeCommand(cmd, type);
        expect(frame.readInt32BE(0)).toBe(frame.length - 4);
        const decoded = decodeCommand(frame.subarray(4));
        expect(decoded.serializeType).toBe(type);
        expect(strip(decoded)).toEqual(normalised(cmd));
      }),
    );
  });

  it('decodes any chunking of a stream of frames into the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(arbCommand, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (cmds, cuts) => {
          const stream = Buffer.concat(cmds.map((c) => encodeCommand(c)));
          const decoder = new FrameDecoder();
          const got: RemotingCommand[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const size = cuts[i++ % cuts.length]!;
            got.push(...decoder.push(stream.subarray(pos, pos + size)));
            pos += size;
          }
          expect(decoder.pending).toBe(0);
          expect(got.map(strip)).toEqual(cmds.map(normalised));
        },
      ),
    );
  });

  it('decodes a frame delivered one byte at a time', () => {
    const cmd: RemotingCommand = {
      code: 11,
      language: 'JAVA',
      version: 479,
      opaque: 7,
      flag: 1,
      extFields: { nextBeginOffset: '32' },
      body: Buffer.from('payload'),
    };
    const frame = encodeCommand(cmd);
    const decoder = new FrameDecoder();
    const got: RemotingCommand[] = [];
    for (const byte of frame) got.push(...decoder.push(Buffer.from([byte])));
    expect(got).toHaveLength(1);
    expect(strip(got[0]!)).toEqual(cmd);
  });

  it('rejects absurd frame lengths instead of buffering forever', () => {
    const bad = Buffer.alloc(8);
    bad.writeInt32BE(64 * 1024 * 1024, 0);
    expect(() => new FrameDecoder().push(bad)).toThrow(/bad frame length/);
  });

  it('reads a header as the broker writes it (fastjson, serializeTypeCurrentRPC, extra fields)', () => {
    const header = Buffer.from(
      '{"code":0,"extFields":{"queueId":"1","msgId":"7F000001000078BF0000000000000000","queueOffset":"0"},' +
        '"flag":1,"language":"JAVA","opaque":5,"serializeTypeCurrentRPC":"JSON","version":479}',
    );
    const frame = Buffer.alloc(4 + header.length);
    frame.writeInt32BE(header.length, 0);
    header.copy(frame, 4);
    const cmd = decodeCommand(frame);
    expect(isResponse(cmd)).toBe(true);
    expect(isOneway(cmd)).toBe(false);
    expect(cmd.extFields).toEqual({ queueId: '1', msgId: '7F000001000078BF0000000000000000', queueOffset: '0' });
    expect(cmd.body).toBeUndefined();
  });
});

describe('codec and hostile field names', () => {
  it('keeps an extFields key named __proto__ as a field, without touching the prototype', () => {
    const cmd: RemotingCommand = {
      code: 0,
      language: 'JAVA',
      version: 0,
      opaque: 0,
      flag: 0,
      extFields: JSON.parse('{"__proto__":"x","a":"1"}') as Record<string, string>,
    };
    const [decoded] = new FrameDecoder().push(encodeCommand(cmd));
    expect(Object.getPrototypeOf(decoded!.extFields)).toBe(Object.prototype);
    expect(Object.keys(decoded!.extFields!).sort()).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(decoded!.extFields, '__proto__')?.value).toBe('x');
  });
});
