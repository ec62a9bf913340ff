import { z } from 'zod';
import { HarnessError } from '../util/errors.ts';
import { hello, WORKER_PROTOCOL_VERSION, type Hello } from './protocol.ts';

/**
 * The part of a hello every version keeps: read first, so a worker on another version is
 * refused by name and number instead of failing a schema check it was never written for.
 */
const helloEnvelope = z.object({ type: z.literal('hello'), protocolVersion: z.number() });

/** A worker that does not speak this coordinator's worker protocol version; it is stopped. */
export class WorkerProtocolError extends HarnessError {
  constructor(
    readonly worker: string,
    /** What the worker said it speaks; undefined when its first message was no hello at all. */
    readonly workerVersion: number | undefined,
    readonly coordinatorVersion: number,
    /** How the worker was started, so the message says which build to replace. */
    readonly command: string,
    what: string,
  ) {
    super(
      'worker-protocol-version',
      `[${worker}] ${what}; worker command: ${command}`,
      undefined,
      'build the worker from the same rmq-chaos version as the coordinator (see "Worker protocol" in the README)',
    );
  }
}

/**
 * Checks a worker's first message: its hello, in the version this coordinator speaks.
 * Anything else throws a WorkerProtocolError naming both versions and the worker's command.
 */
export function acceptHello(raw: unknown, worker: string, command: string): Hello {
  const ours = WORKER_PROTOCOL_VERSION;
  const envelope = helloEnvelope.safeParse(raw);
  if (!envelope.success) {
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? `"${String(raw.type)}"` : typeof raw;
    throw new WorkerProtocolError(
      worker,
      undefined,
      ours,
      command,
      `speaks no versioned worker protocol (its first message was ${type}, not a hello with a ` +
        `protocolVersion), this coordinator speaks version ${ours}`,
    );
  }
  const theirs = envelope.data.protocolVersion;
  if (theirs !== ours)
    throw new WorkerProtocolError(
      worker,
      theirs,
      ours,
      command,
      `speaks worker protocol version ${theirs}, this coordinator speaks version ${ours}`,
    );
  const parsed = hello.safeParse(raw);
  if (!parsed.success)
    throw new WorkerProtocolError(
      worker,
      theirs,
      ours,
      command,
      `says it speaks worker protocol version ${theirs} (as this coordinator does) but its hello does not ` +
        `match it: ${parsed.error.message}`,
    );
  return parsed.data;
}
