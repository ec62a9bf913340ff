/**
 * What each client protocol's driver can run, described once: plan validation refuses a plan
 * that asks for anything else, so nothing validates that a run would then refuse. Kept free of
 * imports so the plan layer reads it without loading the clients.
 *
 * remoting runs the classic push consumer (client-side rebalance, long-polling pull under a
 * listener); grpc runs the proxy's pop consumption, which plans call `simple` or `push` alike.
 * No driver runs a `pull` consumer (the test loop pulling queues itself) yet.
 */
export const CONSUMER_MODES_BY_PROTOCOL = {
  remoting: ['push'],
  grpc: ['push', 'simple'],
} as const satisfies Record<string, readonly string[]>;

/** The consumer modes `protocol`'s driver runs; none for a protocol no driver speaks. */
export function consumerModesOf(protocol: string): readonly string[] {
  return (CONSUMER_MODES_BY_PROTOCOL as Record<string, readonly string[]>)[protocol] ?? [];
}
