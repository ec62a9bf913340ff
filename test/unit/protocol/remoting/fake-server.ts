/**
 * A scriptable remoting server on 127.0.0.1 for unit tests: records every request, answers
 * with `respond` (or SUCCESS), can stay silent (timeouts), and can send requests to the
 * connected client the way a broker sends NOTIFY_CONSUMER_IDS_CHANGED.
 */
import net from 'node:net';
import {
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  FrameDecoder,
  encodeCommand,
  isResponse,
  type RemotingCommand,
} from '../../../../src/protocol/remoting/codec.ts';

export type Responder = (request: RemotingCommand) => Partial<RemotingCommand> | 'silent' | undefined;

export class FakeServer {
  readonly requests: RemotingCommand[] = [];
  readonly responses: RemotingCommand[] = [];
  private readonly sockets = new Set<net.Socket>();
  private server!: net.Server;
  addr = '';

  constructor(private readonly respond: Responder = () => undefined) {}

  async start(): Promise<this> {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const decoder = new FrameDecoder();
      socket.on('data', (chunk) => {
        for (const cmd of decoder.push(chunk)) {
          if (isResponse(cmd)) {
            this.responses.push(cmd);
            continue;
          }
          this.requests.push(cmd);
          if (cmd.flag & FLAG_ONEWAY) continue;
          const answer = this.respond(cmd);
          if (answer === 'silent') continue;
          socket.write(
            encodeCommand({
              code: 0,
              language: 'JAVA',
              version: 479,
              ...answer,
              opaque: cmd.opaque,
              flag: FLAG_RESPONSE,
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.addr = `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    return this;
  }

  /** Sends a request to every connected client (oneway unless `flag` says otherwise). */
  push(cmd: Partial<RemotingCommand> & { code: number }, opaque = 9000): void {
    for (const s of this.sockets)
      s.write(encodeCommand({ language: 'JAVA', version: 479, flag: FLAG_ONEWAY, ...cmd, opaque }));
  }

  codes(): number[] {
    return this.requests.map((r) => r.code);
  }

  get connections(): number {
    return this.sockets.size;
  }

  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
