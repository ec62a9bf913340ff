import { describe, expect, it } from 'vitest';
import { acceptHello, WorkerProtocolError } from '../../../src/fleet/handshake.ts';
import { WORKER_PROTOCOL_VERSION } from '../../../src/fleet/protocol.ts';

const command = 'java -jar rmq-chaos-worker.jar';
const OTHER = WORKER_PROTOCOL_VERSION + 1;
const refusal = (raw: unknown): WorkerProtocolError => {
  try {
    acceptHello(raw, 'consumer billing#0', command);
  } catch (error) {
    if (error instanceof WorkerProtocolError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('acceptHello', () => {
  it('accepts a hello in this version', () => {
    const hello = { type: 'hello', protocolVersion: WORKER_PROTOCOL_VERSION, pid: 12, implementation: 'java' };
    expect(acceptHello(hello, 'consumer billing#0', command)).toEqual(hello);
  });

  it('refuses another version, naming both versions and the command, with a fix', () => {
    const error = refusal({ type: 'hello', protocolVersion: OTHER, pid: 12, implementation: 'java', extra: { x: 1 } });
    expect(error).toMatchObject({
      code: 'worker-protocol-version',
      worker: 'consumer billing#0',
      workerVersion: OTHER,
      coordinatorVersion: WORKER_PROTOCOL_VERSION,
      command,
    });
    expect(error.message).toBe(
      `[consumer billing#0] speaks worker protocol version ${OTHER}, this coordinator speaks version ` +
        `${WORKER_PROTOCOL_VERSION}; worker command: ${command}`,
    );
    expect(error.hint).toMatch(/same rmq-chaos version/);
  });

  it('refuses a worker whose first message is not a hello (an unversioned worker)', () => {
    const error = refusal({ type: 'ready', pid: 12 });
    expect(error.workerVersion).toBeUndefined();
    expect(error.message).toMatch(/speaks no versioned worker protocol \(its first message was "ready"/);
    expect(refusal('hello').message).toMatch(/its first message was string/);
  });

  it('refuses a hello in this version that lacks its fields', () => {
    const error = refusal({ type: 'hello', protocolVersion: WORKER_PROTOCOL_VERSION });
    expect(error.workerVersion).toBe(WORKER_PROTOCOL_VERSION);
    expect(error.message).toMatch(/hello does not match it: .*pid/s);
  });
});
