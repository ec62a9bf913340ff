import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdioTransport } from '../../../src/fleet/transport/stdio-transport.ts';

/** A child that prints a banner (noise), then echoes every stdin line back, as a JVM worker would answer. */
const ECHO = `
process.stdout.write('Picked up JAVA_TOOL_OPTIONS: -Xmx64m\\n');
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  rest += chunk;
  let i;
  while ((i = rest.indexOf('\\n')) >= 0) { process.stdout.write(rest.slice(0, i + 1)); rest = rest.slice(i + 1); }
});
process.stdin.on('end', () => process.exit(0));
`;

function pair(options = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new StdioTransport<{ n: number }>(input, output, options);
  const received: unknown[] = [];
  transport.onMessage((m) => received.push(m));
  return { input, output, transport, received };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('StdioTransport', () => {
  it('carries messages to a child and back in order, one JSON object a line; other lines are noise', async () => {
    const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
    const noise: string[] = [];
    const transport = new StdioTransport<{ n: number; text: string }>(child.stdout, child.stdin, {
      onNoise: (line) => noise.push(line),
    });
    const received: unknown[] = [];
    const closed = new Promise<void>((resolve) => transport.onClose(resolve));
    transport.onMessage((m) => received.push(m));
    const sent = Array.from({ length: 2000 }, (_, n) => ({ n, text: `ünïcode ${'x'.repeat(n % 300)}` }));
    for (const m of sent) transport.send(m);
    while (received.length < sent.length) await tick();
    expect(received).toEqual(sent);
    expect(noise).toEqual(['Picked up JAVA_TOOL_OPTIONS: -Xmx64m']);
    transport.close();
    await closed;
    expect(transport.isOpen).toBe(false);
    transport.send({ n: -1, text: 'after close' }); // dropped, not thrown
    transport.close(); // twice is fine
  });

  it('reassembles lines split across chunks, CRLF included, and skips blank lines', async () => {
    const { input, received } = pair();
    input.write('{"n":');
    input.write('1}\r\n\n{"n":2}\n{"n"');
    await tick();
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    input.write(':3}\n');
    await tick();
    expect(received).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('hands a broken JSON line over as its text, for the protocol check to refuse', async () => {
    const { input, received } = pair();
    input.write('{"n": oops}\n{"n":4}\n');
    await tick();
    expect(received).toEqual(['{"n": oops}', { n: 4 }]);
  });

  it('cuts a line over the limit instead of buffering it, and reads on after its end', async () => {
    const { input, received } = pair({ maxLineBytes: 100 });
    input.write(`{"n":"${'y'.repeat(300)}`);
    input.write('y'.repeat(300));
    input.write('"}\n{"n":5}\n');
    await tick();
    expect(received).toHaveLength(2);
    expect(typeof received[0]).toBe('string');
    expect((received[0] as string).length).toBeLessThanOrEqual(200);
    expect(received[1]).toEqual({ n: 5 });
  });

  it('reports the other end closing once, when its output ends', async () => {
    const { input, transport } = pair();
    let closes = 0;
    transport.onClose(() => closes++);
    input.end();
    await tick();
    await tick();
    expect(closes).toBe(1);
    expect(transport.isOpen).toBe(false);
  });
});
