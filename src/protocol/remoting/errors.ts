/**
 * Typed failures of remoting requests. Every one carries a short `reason` that load
 * reports can count by (`broker:TOPIC_NOT_EXIST(17)`, `timeout`, `connect`, `closed`), so a
 * run can say "412 sends failed with SYSTEM_BUSY(2) during the broker pause" rather than
 * lumping failures together.
 */
import { HarnessError } from '../../util/errors.ts';
import { requestCodeName, responseCodeName } from './request-codes.ts';

export abstract class RemotingError extends HarnessError {
  /** Stable, countable cause: `broker:<NAME>(<code>)`, `timeout`, `connect`, `closed`, `protocol`. */
  abstract readonly reason: string;
}

/** The peer answered, with a non-success code. */
export class RemotingResponseError extends RemotingError {
  readonly reason: string;
  constructor(
    readonly responseCode: number,
    readonly remark: string | undefined,
    readonly addr: string,
    readonly requestCode: number,
  ) {
    super(
      'remoting-response',
      `${requestCodeName(requestCode)} to ${addr} failed: ` +
        `${responseCodeName(responseCode)}${remark ? ` ${firstLine(remark)}` : ''}`,
    );
    this.reason = `broker:${responseCodeName(responseCode)}`;
  }
}

export class RemotingTimeoutError extends RemotingError {
  readonly reason = 'timeout';
  constructor(
    readonly addr: string,
    readonly requestCode: number,
    readonly timeoutMs: number,
  ) {
    super('remoting-timeout', `${requestCodeName(requestCode)} to ${addr} got no answer within ${timeoutMs} ms`);
  }
}

export class RemotingConnectError extends RemotingError {
  readonly reason = 'connect';
  constructor(
    readonly addr: string,
    cause: unknown,
  ) {
    super(
      'remoting-connect',
      `cannot connect to ${addr}: ${cause instanceof Error ? cause.message : String(cause)}`,
      undefined,
      undefined,
      { cause },
    );
  }
}

/** The connection closed (or was closed by us) while a request was waiting, or before it was sent. */
export class RemotingClosedError extends RemotingError {
  readonly reason = 'closed';
  constructor(
    readonly addr: string,
    cause?: unknown,
  ) {
    super(
      'remoting-closed',
      `connection to ${addr} closed${cause instanceof Error ? `: ${cause.message}` : ''}`,
      undefined,
      undefined,
      { cause },
    );
  }
}

/** The peer sent something we cannot use (bad frame, a body that does not parse). */
export class RemotingProtocolError extends RemotingError {
  readonly reason = 'protocol';
  constructor(message: string, cause?: unknown) {
    super('remoting-protocol', message, undefined, undefined, { cause });
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
