/**
 * What each fleet worker can run, described once: plan validation refuses a plan that asks
 * for anything else, so nothing validates that a run would then refuse. Kept free of imports
 * so the plan layer reads it without loading the clients.
 *
 * A worker is a `driver` (this project's Node worker, or the Java worker on RocketMQ's own
 * clients) speaking a client `protocol` (remoting: the classic protocol, client-side
 * rebalance; grpc: the 5.x proxy, pop consumption).
 *
 * - remoting: push (a listener under the client's pull loop) and pull (a lite pull consumer
 *   the worker polls); push listeners consume concurrently or orderly (broker queue locks).
 * - grpc: the proxy's pop consumption, which plans call `push` (PushConsumer) or `simple`
 *   (SimpleConsumer); FIFO needs a FIFO group on the proxy, which plans cannot make yet.
 * - Sends: the Node worker awaits every result with up to maxInFlight sends pending, so its
 *   `sync` is its `async` (there is no thread to block); only a Java client can send oneway.
 */
export const WORKER_DRIVERS = ['node', 'java'] as const;
export type WorkerDriver = (typeof WORKER_DRIVERS)[number];

export interface ProtocolCapabilities {
  modes: readonly string[];
  consume: readonly string[];
  send: readonly string[];
}

export const CAPABILITIES = {
  node: {
    remoting: { modes: ['push', 'pull'], consume: ['concurrently', 'orderly'], send: ['async', 'sync'] },
    grpc: { modes: ['push', 'simple'], consume: ['concurrently'], send: ['async', 'sync'] },
  },
  java: {
    remoting: { modes: ['push', 'pull'], consume: ['concurrently', 'orderly'], send: ['async', 'sync', 'oneway'] },
    grpc: { modes: ['push', 'simple'], consume: ['concurrently'], send: ['async', 'sync'] },
  },
} as const satisfies Record<WorkerDriver, Record<string, ProtocolCapabilities>>;

const NONE: ProtocolCapabilities = { modes: [], consume: [], send: [] };

/** What `driver` runs over `protocol`; nothing for a pair no worker speaks. */
export function capabilitiesOf(driver: string, protocol: string): ProtocolCapabilities {
  const byProtocol = (CAPABILITIES as Record<string, Record<string, ProtocolCapabilities>>)[driver];
  return byProtocol?.[protocol] ?? NONE;
}

/** The consumer modes `protocol` runs (both workers run the same modes on a protocol). */
export function consumerModesOf(protocol: string): readonly string[] {
  return capabilitiesOf('node', protocol).modes;
}
