/**
 * The harness only ever moves traffic inside 127.0.0.0/8: Toxiproxy listeners, their
 * upstreams and its API all live on loopback. A typo in a plan or a provider must fail
 * here, loudly, rather than open a proxy that forwards to another machine.
 */
import { UsageError } from '../util/errors.ts';

export interface HostPort {
  host: string;
  port: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * True for a dotted IPv4 literal in 127.0.0.0/8 (names such as `localhost` are refused: they resolve elsewhere on some
 * hosts).
 */
export function isLoopbackIpv4(host: string): boolean {
  const match = IPV4.exec(host);
  if (!match) return false;
  const octets = match.slice(1).map(Number);
  return octets[0] === 127 && octets.every((o) => o >= 0 && o <= 255);
}

/** Parses `127.x.y.z:port`; throws for anything outside 127.0.0.0/8 or a bad port (0 only with `anyPort`). */
export function parseLoopbackAddr(addr: string, what: string, options: { anyPort?: boolean } = {}): HostPort {
  const i = addr.lastIndexOf(':');
  const host = i < 0 ? '' : addr.slice(0, i);
  const port = Number(addr.slice(i + 1));
  if (!isLoopbackIpv4(host))
    throw new UsageError(
      `${what} ${addr} is not a 127.0.0.0/8 address`,
      'rmq-chaos only sends test traffic over loopback',
    );
  // anyPort: 0 asks the listener's server for a free port.
  const lowest = options.anyPort ? 0 : 1;
  if (!Number.isInteger(port) || port < lowest || port > 65_535)
    throw new UsageError(`${what} ${addr} has no valid port`);
  return { host, port };
}

/** The API base URL must be http://127.x.y.z:port as well. */
export function assertLoopbackUrl(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || !isLoopbackIpv4(parsed.hostname)) {
    throw new UsageError(`Toxiproxy API ${url} is not an http URL on a 127.0.0.0/8 address`);
  }
  return parsed;
}
