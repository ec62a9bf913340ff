/**
 * The request side of Java's `MQClientInstance`, shared by the client driver (which adds
 * heartbeats and consumers on top) and the admin: one connection per address, name servers
 * tried in turn, routes read and cached, and broker addresses rewritten where route data
 * enters, so every later request dials the mapped address.
 */
import os from 'node:os';
import { signRequest, type AclCredentials } from './acl-signature.ts';
import type { RemotingCommand } from './codec.ts';
import { ConnectionPool } from './connection-pool.ts';
import { createRequest, expectCode } from './connection.ts';
import { RemotingClosedError, RemotingConnectError, RemotingResponseError, RemotingTimeoutError } from './errors.ts';
import { RequestCode, ResponseCode } from './request-codes.ts';
import { TopicRouteSchema, mapBrokerAddrs, parseBody, type TopicRoute } from './route.ts';

export interface RemotingClientOptions {
  /** Java `mqClientApiTimeout`: 3 s. */
  requestTimeoutMs?: number;
  /** How long `route` serves a cached route by default; Java `pollNameServerInterval`: 30 s. */
  routeMaxAgeMs?: number;
  /** Listed broker address → address to dial (see `ProducerOptions.brokerAddressMap`). */
  brokerAddressMap?: Readonly<Record<string, string>>;
  /** Sign every request with these (a cluster with authentication on), as Java's AclClientRPCHook. */
  credentials?: AclCredentials;
}

export class RemotingClient {
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly brokerAddressMap: Readonly<Record<string, string>>;
  private readonly namesrvAddrs: string[];
  private namesrvIndex = 0;
  private readonly routeMaxAgeMs: number;
  private readonly credentials: AclCredentials | undefined;
  // Broker-initiated requests go to `onServerRequest`, which a subclass overrides (it is
  // looked up at call time, so the override is in place by the time a request arrives).
  private readonly pool = new ConnectionPool(
    (request, addr) => this.onServerRequest(request, addr),
    (addr) => this.onConnected(addr),
  );
  private readonly routes = new Map<string, { route: TopicRoute; at: number }>();

  constructor(
    namesrvAddr: string,
    readonly instanceName: string,
    options: RemotingClientOptions = {},
  ) {
    this.namesrvAddrs = namesrvAddr
      .split(';')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (this.namesrvAddrs.length === 0)
      throw new RemotingConnectError(namesrvAddr, new Error('no name server address'));
    this.clientId = `${clientIp()}@${instanceName}`;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 3000;
    this.routeMaxAgeMs = options.routeMaxAgeMs ?? 30_000;
    this.brokerAddressMap = options.brokerAddressMap ?? {};
    this.credentials = options.credentials;
  }

  // ---- requests --------------------------------------------------------------------

  /** A connection to `addr` was opened (first or again); subclasses react (ClientInstance heartbeats). */
  protected onConnected(_addr: string): void {}

  invoke(addr: string, request: RemotingCommand, timeoutMs = this.requestTimeoutMs): Promise<RemotingCommand> {
    if (this.credentials) signRequest(request, this.credentials);
    return this.pool.invoke(addr, request, timeoutMs);
  }

  invokeOneway(addr: string, request: RemotingCommand): Promise<void> {
    if (this.credentials) signRequest(request, this.credentials);
    return this.pool.invokeOneway(addr, request);
  }

  /** Tries each name server in turn, starting with the last one that answered. */
  async invokeNamesrv(request: RemotingCommand): Promise<{ response: RemotingCommand; addr: string }> {
    let lastError: unknown;
    for (let i = 0; i < this.namesrvAddrs.length; i++) {
      const addr = this.namesrvAddrs[(this.namesrvIndex + i) % this.namesrvAddrs.length]!;
      try {
        const response = await this.invoke(addr, request);
        this.namesrvIndex = (this.namesrvIndex + i) % this.namesrvAddrs.length;
        return { response, addr };
      } catch (err) {
        if (
          !(
            err instanceof RemotingConnectError ||
            err instanceof RemotingTimeoutError ||
            err instanceof RemotingClosedError
          )
        )
          throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  /** A request a broker sent us on the connection to `addr`; the answer goes back with its opaque. None by default. */
  protected onServerRequest(_request: RemotingCommand, _addr: string): RemotingCommand | undefined {
    return undefined;
  }

  /**
   * `masterOf`, or the broker's own BROKER_NOT_EXIST for `requestCode` when no cached route
   * lists a master (the error a retrying caller already handles as any refusal).
   */
  requireMaster(brokerName: string, requestCode: number): string {
    const addr = this.masterOf(brokerName);
    if (!addr)
      throw new RemotingResponseError(
        ResponseCode.BROKER_NOT_EXIST,
        `no master for ${brokerName}`,
        brokerName,
        requestCode,
      );
    return addr;
  }

  // ---- routes ------------------------------------------------------------------------

  /** GET_ROUTEINFO_BY_TOPIC, cached for `maxAgeMs` (`routeMaxAgeMs` by default; 0 always asks). */
  async route(topic: string, maxAgeMs = this.routeMaxAgeMs): Promise<TopicRoute> {
    const cached = this.routes.get(topic);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.route;
    const { response, addr } = await this.invokeNamesrv(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
    expectCode(response, addr, RequestCode.GET_ROUTEINFO_BY_TOPIC);
    const parsed = parseBody(TopicRouteSchema, response.body, `route of ${topic}`);
    const route = { ...parsed, brokerDatas: mapBrokerAddrs(parsed.brokerDatas, this.brokerAddressMap) };
    this.routes.set(topic, { route, at: Date.now() });
    return route;
  }

  /** Topics with a cached route (what a periodic refresh reads again). */
  routedTopics(): string[] {
    return [...this.routes.keys()];
  }

  /** Every broker address seen in any cached route (masters and slaves, as Java heartbeats to all). */
  brokerAddrs(): string[] {
    const addrs = new Set<string>();
    for (const { route } of this.routes.values())
      for (const b of route.brokerDatas) for (const a of Object.values(b.brokerAddrs)) addrs.add(a);
    return [...addrs].sort();
  }

  /** Master address of a broker by name, from any cached route. */
  masterOf(brokerName: string): string | undefined {
    for (const { route } of this.routes.values()) {
      const addr = route.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs['0'];
      if (addr) return addr;
    }
    return undefined;
  }

  /** Closes every connection; waiting requests fail with RemotingClosedError. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Java builds client ids from a non-loopback IPv4 address; loopback only when there is none. */
function clientIp(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return '127.0.0.1';
}
