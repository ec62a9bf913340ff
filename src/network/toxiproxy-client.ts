/**
 * Toxiproxy's HTTP API (v2.12) as the harness's `NetworkControl`: links are proxies.
 *
 * Plain `fetch` rather than `toxiproxy-node-client`: we use seven endpoints, need a deadline
 * on every request (a SIGSTOPped server must not hang a fault's `end()`), errors that carry
 * the HTTP status (404 "proxy not found" vs "toxic not found" decide what `end()` may
 * ignore), and no dependency whose client keeps its own proxy objects in sync with ours.
 */
import type { NetworkControl, Toxic } from './network-control.ts';
import { assertLoopbackUrl, parseLoopbackAddr } from './loopback.ts';
import { HarnessError } from '../util/errors.ts';

export interface ProxySpec {
  /** The link name, e.g. `producers->broker-a`. */
  name: string;
  /** Where Toxiproxy listens, `127.x.y.z:port`. */
  listen: string;
  /** Where it forwards, `127.x.y.z:port`. */
  upstream: string;
  enabled?: boolean;
}

export interface ProxyState extends Required<ProxySpec> {
  toxics: Toxic[];
}

/** A failed API call; `status` is the HTTP status, absent when the server did not answer. */
export class ToxiproxyError extends HarnessError {
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, undefined, undefined, options);
  }

  /** 404 for the link itself (not for a toxic on it). */
  get isUnknownLink(): boolean {
    return this.code === 'network-link-unknown';
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

export class ToxiproxyClient implements NetworkControl {
  private readonly base: string;
  private readonly known = new Set<string>();

  /**
   * `containerNetwork`: the server runs in a container (the containers provider's gateway);
   * its listeners and upstreams are addresses on the run's container network, not loopback.
   * Its API is still reached on loopback (a published port). `remoteUpstreams`: an agent's
   * links, which listen on loopback and forward to the cluster's nodes wherever they are (the
   * addresses the coordinator sent, which the agent's workers would dial anyway).
   */
  constructor(
    apiUrl: string,
    private readonly requestTimeoutMs = DEFAULT_TIMEOUT_MS,
    private readonly options: { containerNetwork?: boolean; remoteUpstreams?: boolean } = {},
  ) {
    this.base = assertLoopbackUrl(apiUrl).origin;
  }

  get apiUrl(): string {
    return this.base;
  }

  /** A client for a server that already has proxies (another process created them). */
  static async connect(apiUrl: string, requestTimeoutMs?: number): Promise<ToxiproxyClient> {
    const client = new ToxiproxyClient(apiUrl, requestTimeoutMs);
    await client.proxies();
    return client;
  }

  async version(): Promise<string> {
    const body = (await this.request('GET', '/version')) as { version?: unknown } | undefined;
    return typeof body?.version === 'string' ? body.version : 'unknown';
  }

  /**
   * Creates (or replaces, by name) every proxy in one request; each listens at once. Returns
   * where each listens (a listen port 0 gets a free port).
   */
  async createProxies(specs: readonly ProxySpec[]): Promise<Record<string, string>> {
    for (const spec of this.options.containerNetwork ? [] : specs) {
      parseLoopbackAddr(spec.listen, `link ${spec.name} listen address`, { anyPort: true });
      if (!this.options.remoteUpstreams) parseLoopbackAddr(spec.upstream, `link ${spec.name} upstream`);
    }
    const body = (await this.request(
      'POST',
      '/populate',
      specs.map((s) => ({ ...s, enabled: s.enabled ?? true })),
    )) as { proxies?: { name: string; listen: string }[] } | undefined;
    for (const spec of specs) this.known.add(spec.name);
    return Object.fromEntries((body?.proxies ?? []).map((p) => [p.name, p.listen]));
  }

  /** Removes one proxy (its listener and connections); an unknown one is fine. */
  async deleteProxy(link: string): Promise<void> {
    try {
      await this.request('DELETE', linkPath(link));
    } catch (error) {
      if (!(error instanceof ToxiproxyError && error.isUnknownLink)) throw error;
    }
    this.known.delete(link);
  }

  async proxies(): Promise<ProxyState[]> {
    const body = (await this.request('GET', '/proxies')) as Record<string, ProxyState> | undefined;
    const list = Object.values(body ?? {}).map((p) => ({
      name: p.name,
      listen: p.listen,
      upstream: p.upstream,
      enabled: p.enabled,
      toxics: p.toxics ?? [],
    }));
    this.known.clear();
    for (const p of list) this.known.add(p.name);
    return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async proxy(link: string): Promise<ProxyState> {
    const p = (await this.request('GET', linkPath(link))) as ProxyState;
    return { name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled, toxics: p.toxics ?? [] };
  }

  links(): string[] {
    return [...this.known].sort();
  }

  /** Disabling closes the listener and every open connection: peers see resets and refused connects. */
  async setEnabled(link: string, enabled: boolean): Promise<void> {
    await this.request('PATCH', linkPath(link), { enabled });
  }

  async addToxic(link: string, toxic: Toxic): Promise<void> {
    await this.request('POST', `${linkPath(link)}/toxics`, toxic);
  }

  /** Idempotent for the toxic (already gone is fine); an unknown link still throws. */
  async removeToxic(link: string, name: string): Promise<void> {
    try {
      await this.request('DELETE', `${linkPath(link)}/toxics/${encodeURIComponent(name)}`);
    } catch (error) {
      if (error instanceof ToxiproxyError && error.status === 404 && !error.isUnknownLink) return;
      throw error;
    }
  }

  async reset(): Promise<void> {
    await this.request('POST', '/reset');
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const what = `${method} ${path}`;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new ToxiproxyError(
        'toxiproxy-unreachable',
        `Toxiproxy at ${this.base} did not answer ${what}: ${reason}`,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const message = errorMessage(text) ?? `HTTP ${response.status}`;
      const code =
        response.status === 404 && message === 'proxy not found' ? 'network-link-unknown' : 'toxiproxy-request-failed';
      throw new ToxiproxyError(code, `Toxiproxy ${what}: ${message} (HTTP ${response.status})`, response.status);
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

function linkPath(link: string): string {
  return `/proxies/${encodeURIComponent(link)}`;
}

/** Toxiproxy answers errors as `{"error": "...", "status": N}`. */
function errorMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return text.trim() || undefined;
  }
}
