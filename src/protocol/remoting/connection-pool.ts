/**
 * One connection per address, opened on first use and replaced when it closes (a broker
 * restart, a dropped link, the broker expiring a zombie's channel), so callers just name an
 * address. Concurrent first uses share one connect; a connection whose socket is going away
 * is replaced rather than used. Closing the pool closes every socket.
 */
import { RemotingConnection, type RequestHandler } from './connection.ts';

/** A broker-initiated request, with the address of the connection it came on (where to answer). */
export type PoolRequestHandler = (request: RemotingCommand, addr: string) => ReturnType<RequestHandler>;
import type { RemotingCommand } from './codec.ts';
import { RemotingClosedError } from './errors.ts';

export class ConnectionPool {
  private readonly connections = new Map<string, Promise<RemotingConnection>>();
  private closed = false;

  constructor(
    private readonly onRequest: PoolRequestHandler,
    /** Each new connection, once open (the first and every replacement), by the address it dialled. */
    private readonly onConnect: (addr: string) => void = () => {},
  ) {}

  async invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return (await this.open(addr)).invoke(request, timeoutMs);
  }

  async invokeOneway(addr: string, request: RemotingCommand): Promise<void> {
    (await this.open(addr)).invokeOneway(request);
  }

  private async open(addr: string): Promise<RemotingConnection> {
    const pooled = this.connections.get(addr);
    const conn = await this.connect(addr);
    if (conn.isOpen || this.closed) return conn;
    if (pooled) this.forget(addr, pooled);
    return this.connect(addr);
  }

  private connect(addr: string): Promise<RemotingConnection> {
    if (this.closed) return Promise.reject(new RemotingClosedError(addr));
    const pooled = this.connections.get(addr);
    if (pooled) return pooled;
    const created: Promise<RemotingConnection> = RemotingConnection.connect(addr, {
      onRequest: (request) => this.onRequest(request, addr),
      // Forget this connection only: a newer one to the same address may already exist.
      onClose: () => this.forget(addr, created),
    });
    this.connections.set(addr, created);
    created.then(
      () => this.onConnect(addr),
      () => this.forget(addr, created),
    );
    return created;
  }

  private forget(addr: string, conn: Promise<RemotingConnection>): void {
    if (this.connections.get(addr) === conn) this.connections.delete(addr);
  }

  async close(): Promise<void> {
    this.closed = true;
    const conns = await Promise.allSettled([...this.connections.values()]);
    this.connections.clear();
    await Promise.all(conns.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)));
  }
}
