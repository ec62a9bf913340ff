/**
 * One TCP connection to a name server or broker. Requests are matched to responses by
 * `opaque`; each waiting request has its own timer, and every timer and the socket are
 * released when the connection closes, so a closed client never keeps the process alive.
 * Requests the server initiates (NOTIFY_CONSUMER_IDS_CHANGED, GET_CONSUMER_RUNNING_INFO)
 * go to `onRequest`; its answer is sent back with the request's opaque, as Java does.
 */
import net from 'node:net';
import {
  CodecError,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  FrameDecoder,
  encodeCommand,
  isOneway,
  isResponse,
  type RemotingCommand,
} from './codec.ts';
import { CLIENT_VERSION_V5_3_3, ResponseCode } from './request-codes.ts';
import {
  RemotingClosedError,
  RemotingConnectError,
  RemotingProtocolError,
  RemotingResponseError,
  RemotingTimeoutError,
} from './errors.ts';

/** Header fields as callers give them; numbers and booleans become strings on the wire. */
export type HeaderFields = Record<string, string | number | boolean | undefined>;

export type RequestHandler = (
  request: RemotingCommand,
  connection: RemotingConnection,
) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined;

export interface ConnectionOptions {
  connectTimeoutMs?: number;
  onRequest?: RequestHandler;
  onClose?: (connection: RemotingConnection, cause?: Error) => void;
}

interface Pending {
  resolve: (cmd: RemotingCommand) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

// One counter per process, like Java's static RemotingCommand.requestId.
let nextOpaque = 1;
function newOpaque(): number {
  const opaque = nextOpaque;
  nextOpaque = nextOpaque >= 0x7fffffff ? 1 : nextOpaque + 1;
  return opaque;
}

/** A request as Java's `RemotingCommand.createRequestCommand` builds it (language JAVA, 5.3.3 version). */
export function createRequest(code: number, fields: HeaderFields = {}, body?: Buffer): RemotingCommand {
  const extFields: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) extFields[k] = String(v);
  const cmd: RemotingCommand = {
    code,
    language: 'JAVA',
    version: CLIENT_VERSION_V5_3_3,
    opaque: 0,
    flag: 0,
    extFields,
  };
  if (body) cmd.body = body;
  return cmd;
}

/** Throws the broker's code and remark unless the response is one of `accepted` (default SUCCESS). */
export function expectCode(
  response: RemotingCommand,
  addr: string,
  requestCode: number,
  accepted: readonly number[] = [ResponseCode.SUCCESS],
): RemotingCommand {
  if (!accepted.includes(response.code))
    throw new RemotingResponseError(response.code, response.remark, addr, requestCode);
  return response;
}

export class RemotingConnection {
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new FrameDecoder();
  private closedWith: Error | undefined;
  private closing = false;
  private readonly closedPromise: Promise<void>;

  private constructor(
    readonly addr: string,
    private readonly socket: net.Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closedWith ??= err;
    });
    socket.on('close', () => this.onSocketClosed());
  }

  static connect(addr: string, options: ConnectionOptions = {}): Promise<RemotingConnection> {
    const { host, port } = parseAddr(addr);
    const timeoutMs = options.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RemotingConnectError(addr, err));
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new RemotingConnection(addr, socket, options));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closing && this.closedWith === undefined && !this.socket.destroyed;
  }

  /** Sends a request and waits for its response (any code; see `expectCode`). */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (!this.isOpen) return Promise.reject(new RemotingClosedError(this.addr, this.closedWith));
    const opaque = newOpaque();
    const frame = encodeCommand({ ...request, opaque, flag: request.flag & ~FLAG_ONEWAY });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(opaque);
        reject(new RemotingTimeoutError(this.addr, request.code, timeoutMs));
      }, timeoutMs);
      this.pending.set(opaque, { resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  /** Fire and forget (Java's invokeOneway): the server sends no response. */
  invokeOneway(request: RemotingCommand): void {
    if (!this.isOpen) throw new RemotingClosedError(this.addr, this.closedWith);
    this.socket.write(encodeCommand({ ...request, opaque: newOpaque(), flag: request.flag | FLAG_ONEWAY }));
  }

  /** Closes the socket; waiting requests fail with RemotingClosedError. Resolves once the socket is gone. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.socket.end();
      // A peer that never answers our FIN must not keep us waiting.
      const timer = setTimeout(() => this.socket.destroy(), 1000);
      void this.closedPromise.then(() => clearTimeout(timer));
    }
    return this.closedPromise;
  }

  private onData(chunk: Buffer): void {
    let commands: RemotingCommand[];
    try {
      commands = this.decoder.push(chunk);
    } catch (err) {
      // A stream we cannot frame cannot be resynchronised: drop the connection.
      this.closedWith = new RemotingProtocolError(
        `undecodable data from ${this.addr}: ${(err as CodecError).message}`,
        err,
      );
      this.socket.destroy();
      return;
    }
    for (const cmd of commands) {
      if (isResponse(cmd)) this.onResponse(cmd);
      else void this.onServerRequest(cmd);
    }
  }

  private onResponse(cmd: RemotingCommand): void {
    const waiting = this.pending.get(cmd.opaque);
    if (!waiting) return; // answered after its timeout: Java drops it too
    this.pending.delete(cmd.opaque);
    clearTimeout(waiting.timer);
    waiting.resolve(cmd);
  }

  private async onServerRequest(request: RemotingCommand): Promise<void> {
    let response: RemotingCommand | undefined;
    try {
      response = this.options.onRequest ? await this.options.onRequest(request, this) : undefined;
      if (!response && !isOneway(request)) {
        response = {
          ...createRequest(ResponseCode.REQUEST_CODE_NOT_SUPPORTED),
          remark: `request code ${request.code} not supported`,
        };
      }
    } catch (err) {
      response = {
        ...createRequest(ResponseCode.SYSTEM_ERROR),
        remark: err instanceof Error ? err.message : String(err),
      };
    }
    if (!response || isOneway(request) || !this.isOpen) return;
    const serializeType = request.serializeType ?? 'JSON';
    this.socket.write(
      encodeCommand({ ...response, opaque: request.opaque, flag: response.flag | FLAG_RESPONSE }, serializeType),
    );
  }

  private onSocketClosed(): void {
    const cause = this.closedWith;
    for (const [opaque, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new RemotingClosedError(this.addr, cause));
      this.pending.delete(opaque);
    }
    this.closedWith ??= new Error('closed');
    this.options.onClose?.(this, cause);
  }
}

export function parseAddr(addr: string): { host: string; port: number } {
  const colon = addr.lastIndexOf(':');
  const port = Number(addr.slice(colon + 1));
  let host = addr.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new RemotingConnectError(addr, new Error('expected host:port'));
  return { host, port };
}
