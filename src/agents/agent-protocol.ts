/**
 * What a coordinator and an agent say to each other over one TCP connection, one JSON object
 * per line (the NDJSON framing of fleet/transport/stdio-transport.ts, over a socket):
 *
 *   agent        → challenge {versions, nonce, name, capacity}   (first, unasked)
 *   coordinator  → auth {versions, proof = HMAC-SHA256(token, nonce), runId}
 *   agent        → welcome {...} | refused {reason}               (refused: it closes)
 *   then, any order:
 *   coordinator  → clock {t0}                  agent → clock {t0, t1, t2}
 *   coordinator  → spawn {instance, kind, program}   agent → spawned {instance, pid} | spawn-failed
 *   coordinator  → to-worker {instance, message}     agent → from-worker {instance, message}
 *                                                    agent → receipt-batch {batch} (its receipts)
 *   coordinator  → signal {instance, signal}         agent → exited {instance, code, signal, lastLines}
 *   coordinator  → network {id, request}             agent → network-done {id, listeners?, error?}
 *                  (the client links on this host: see agents/agent-links.ts)
 *   coordinator  → crash (test aid: the agent dies at once with its workers, as a lost host)
 *   coordinator  → bye (the run is over: the agent stops its workers and ends the session)
 *
 * The token itself never crosses the wire, only a proof for a fresh nonce. Worker messages are
 * carried as they are (the coordinator validates them with the worker protocol, as for local
 * workers). Each side checks the other's versions before anything else and refuses a mismatch
 * naming both, so a coordinator never drives an agent that would misread it.
 */
import { z } from 'zod';
import { WORKER_PROTOCOL_VERSION } from '../fleet/protocol.ts';

/** Bump when a message here changes; the worker protocol has its own version. */
export const AGENT_PROTOCOL_VERSION = 3;

export const versions = z.object({
  rmqChaos: z.string().describe('The rmq-chaos package version.'),
  agentProtocol: z.number().int(),
  workerProtocol: z.number().int(),
});
export type Versions = z.infer<typeof versions>;

const program = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('node') }),
  z.object({ driver: z.literal('java'), protocol: z.enum(['remoting', 'grpc']), clientVersion: z.string() }),
]);

const signalName = z.enum(['SIGKILL', 'SIGSTOP', 'SIGCONT', 'SIGTERM']);
export type AgentSignal = z.infer<typeof signalName>;

/**
 * One client link on an agent's host: a Toxiproxy proxy listening on the host's loopback and
 * forwarding to `upstream`; workers there that would dial `dialedAs` (as a name server, a
 * broker's listed address or the proxy endpoint) dial the listener instead, all of them or only
 * the producers or the consumers (`producers->X` and `consumers->X` share a broker address).
 */
export const agentLink = z.object({
  name: z.string(),
  upstream: z.string(),
  dialedAs: z.string(),
  by: z.enum(['all', 'producers', 'consumers']),
});
export type AgentLink = z.infer<typeof agentLink>;

const toxic = z.object({
  name: z.string(),
  type: z.string(),
  stream: z.enum(['upstream', 'downstream']),
  toxicity: z.number(),
  attributes: z.record(z.string(), z.number()),
});

/** What the coordinator asks of an agent's links: make them, or one NetworkControl call. */
export const networkRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('links'), links: z.array(agentLink) }),
  z.object({ op: z.literal('enable'), link: z.string(), enabled: z.boolean() }),
  z.object({ op: z.literal('add-toxic'), link: z.string(), toxic }),
  z.object({ op: z.literal('remove-toxic'), link: z.string(), name: z.string() }),
  z.object({ op: z.literal('reset') }),
]);
export type NetworkRequest = z.infer<typeof networkRequest>;

export const toAgent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), versions, proof: z.string(), runId: z.string() }),
  z.object({ type: z.literal('clock'), t0: z.number() }),
  z.object({
    type: z.literal('spawn'),
    instance: z.string(),
    kind: z.enum(['producer', 'consumer']),
    program,
  }),
  z.object({ type: z.literal('to-worker'), instance: z.string(), message: z.unknown() }),
  z.object({ type: z.literal('signal'), instance: z.string(), signal: signalName }),
  z.object({ type: z.literal('network'), id: z.number().int(), request: networkRequest }),
  z.object({ type: z.literal('crash') }),
  z.object({ type: z.literal('bye') }),
]);
export type ToAgent = z.infer<typeof toAgent>;

export const fromAgent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('challenge'),
    versions,
    nonce: z.string(),
    name: z.string(),
    capacity: z.number().int().positive(),
  }),
  z.object({ type: z.literal('welcome'), name: z.string(), capacity: z.number().int().positive(), pid: z.number() }),
  z.object({ type: z.literal('refused'), reason: z.string() }),
  z.object({ type: z.literal('clock'), t0: z.number(), t1: z.number(), t2: z.number() }),
  z.object({ type: z.literal('spawned'), instance: z.string(), pid: z.number().int() }),
  z.object({ type: z.literal('spawn-failed'), instance: z.string(), reason: z.string() }),
  z.object({ type: z.literal('from-worker'), instance: z.string(), message: z.unknown() }),
  // A worker's receipts, gathered by the agent (receipt-batcher.ts); parsed with receipt-batch.ts.
  z.object({ type: z.literal('receipt-batch'), batch: z.unknown() }),
  z.object({
    type: z.literal('exited'),
    instance: z.string(),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    lastLines: z.array(z.string()),
  }),
  z.object({
    type: z.literal('network-done'),
    id: z.number().int(),
    /** For `links`: each link's listener on the agent's host. */
    listeners: z.record(z.string(), z.string()).optional(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('log'), message: z.string() }),
]);
export type FromAgent = z.infer<typeof fromAgent>;

/** The port `rmq-chaos agent` listens on unless told otherwise. */
export const DEFAULT_AGENT_PORT = 7420;

/** Where the shared token comes from when no file is given. */
export const TOKEN_ENV = 'RMQ_CHAOS_AGENT_TOKEN';

export function ourVersions(rmqChaos: string): Versions {
  return { rmqChaos, agentProtocol: AGENT_PROTOCOL_VERSION, workerProtocol: WORKER_PROTOCOL_VERSION };
}

/** Why two sides cannot talk, naming both versions; undefined when they can. */
export function versionMismatch(ours: Versions, theirs: Versions, them: string): string | undefined {
  const describe = (v: Versions) =>
    `rmq-chaos ${v.rmqChaos} (agent protocol ${v.agentProtocol}, worker protocol ${v.workerProtocol})`;
  const same =
    ours.rmqChaos === theirs.rmqChaos &&
    ours.agentProtocol === theirs.agentProtocol &&
    ours.workerProtocol === theirs.workerProtocol;
  return same ? undefined : `${them} runs ${describe(theirs)}, this side runs ${describe(ours)}`;
}
