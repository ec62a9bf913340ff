import { describe, expect, it } from 'vitest';
import { encodeBatchBody, encodeBatchEntry } from '../../../../src/drivers/remoting/batch-encoding.ts';
import { formatProperties } from '../../../../src/drivers/remoting/message-decoder.ts';

/**
 * Printed by RocketMQ 5.3.3's own MessageDecoder.encodeMessages (test/fixtures/batch-encoding.jsh,
 * run with jshell on the cached rocketmq-5.3.3/lib/*.jar): message a = body "hello", user
 * property seq=0; message b = body 00 01 02 ff, flag 7, property k=é. `new Message` adds
 * WAIT=true; Java's HashMap put the properties in the order the test gives.
 */
const JAVA_BATCH =
  'AAAAKwAAAAAAAAAAAAAAAAAAAAVoZWxsbwAQV0FJVAF0cnVlAnNlcQEwAgAAACkAAAAAAAAAAAAAAAcAAAAEAAEC/wAPawHDqQJXQUlUAXRydWUC';

describe('batch encoding (Java MessageDecoder.encodeMessage / encodeMessages)', () => {
  it('lays a message out: totalSize, magic 0, crc 0, flag, body length, body, properties length, properties', () => {
    // body "ab", flag 3, properties "K\u0001V\u0002" (4 bytes): 4+4+4+4+4+2+2+4 = 28 bytes.
    const bytes = encodeBatchEntry({ flag: 3, body: Buffer.from('ab'), properties: 'K\u0001V\u0002' });
    expect(bytes.toString('hex')).toBe(
      [
        '0000001c', // total size 28
        '00000000', // magic code
        '00000000', // body CRC
        '00000003', // flag
        '00000002', // body length
        '6162', // "ab"
        '0004', // properties length
        '4b01560' + '2', // "K\u0001V\u0002"
      ].join(''),
    );
  });

  it('concatenates the entries in order', () => {
    const a = { flag: 0, body: Buffer.from('x'), properties: '' };
    const b = { flag: 0, body: Buffer.from('yz'), properties: 'P\u0001Q\u0002' };
    const body = encodeBatchBody([a, b]);
    expect(body).toEqual(Buffer.concat([encodeBatchEntry(a), encodeBatchEntry(b)]));
    expect(body.readInt32BE(0)).toBe(23);
    expect(body.readInt32BE(23)).toBe(body.length - 23);
  });

  it('counts properties in UTF-8 bytes and refuses more than a short holds', () => {
    const entry = encodeBatchEntry({ flag: 0, body: Buffer.from('b'), properties: 'é' });
    expect(entry.readInt16BE(21)).toBe(2);
    expect(() => encodeBatchEntry({ flag: 0, body: Buffer.from('b'), properties: 'x'.repeat(0x8000) })).toThrow(
      /at most 32767/,
    );
  });

  it("is byte for byte what RocketMQ's Java MessageDecoder.encodeMessages writes", () => {
    const body = encodeBatchBody([
      { flag: 0, body: Buffer.from('hello'), properties: formatProperties({ WAIT: 'true', seq: '0' }) },
      { flag: 7, body: Buffer.from([0, 1, 2, 255]), properties: formatProperties({ k: 'é', WAIT: 'true' }) },
    ]);
    expect(body.toString('base64')).toBe(JAVA_BATCH);
  });
});
