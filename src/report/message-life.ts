/**
 * One message's life, read back from a run's messages.ndjson.gz (run/message-log.ts): when it
 * was sent and where the broker wrote it, every delivery (to whom, when, what the handler
 * answered, first or duplicate) and, when a group never consumed it, where the run
 * attributed the loss. What `rmq-chaos explain <run> <producer:seq>` prints.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { ReportedFinding } from '../checks/diagnosis-expectations.ts';
import { coveredBy } from '../checks/diagnoses/loss-claims.ts';
import type { SummaryFile } from '../result/run-summary.ts';
import {
  MESSAGE_LOG_FILE,
  type AckRecord,
  type DeliveriesRecord,
  type DeliveryRecord,
  type DeadLetterRecord,
  deliveriesIn,
  type LostRecord,
  type MessageRecord,
} from '../run/message-log.ts';
import { groupOfScope } from '../run/measurements.ts';
import { UsageError } from '../util/errors.ts';
import { RunFilesError } from './run-files.ts';

export interface MessageLife {
  id: string;
  producerId: string;
  seq: number;
  ack?: { sentAt: number; queue: string; offset: number; tag: string };
  deliveries: {
    group: string;
    instance: string;
    bornAt: number;
    receivedAt: number;
    queue: string;
    reconsumeTimes: number;
    outcome: 'success' | 'retry';
    kind: 'first' | 'duplicate';
  }[];
  lost: {
    scope: string;
    queue: string;
    tag: string;
    holder: string | undefined;
    window: string;
    /** Another acked message got its queue offset; undefined in logs that predate the flag. */
    offsetReused: boolean | undefined;
    /** The lost host it was consumed on; undefined when not, or in logs that predate it. */
    withHost: string | undefined;
  }[];
  /** Where it was read back from a group's dead-letter queue (groups with `deadLetter`). */
  deadLettered: { group: string; brokerName: string; offset: number }[];
  /** Producers the log knows, for a helpful "no such message". */
  producersSeen: string[];
}

/** `producer:seq`, the id every report lists (`checkout#0:412`). */
export function parseMessageId(id: string): { producerId: string; seq: number } {
  const colon = id.lastIndexOf(':');
  const seq = Number(id.slice(colon + 1));
  if (colon <= 0 || !/^\d+$/.test(id.slice(colon + 1)) || !Number.isSafeInteger(seq))
    throw new UsageError(
      `"${id}" is not a message id`,
      'give producer:seq as the report lists them, e.g. checkout#0:412 (lostIds, duplicateIds, lostSample)',
    );
  return { producerId: id.slice(0, colon), seq };
}

export async function readMessageLife(runDir: string, id: string): Promise<MessageLife> {
  const { producerId, seq } = parseMessageId(id);
  const file = join(runDir, MESSAGE_LOG_FILE);
  if (!existsSync(file))
    throw new RunFilesError(
      `${file} does not exist`,
      'runs record every message from rmq-chaos 0.1 with summary schema 4 on; rerun the plan',
    );
  const life: MessageLife = { id, producerId, seq, deliveries: [], lost: [], deadLettered: [], producersSeen: [] };
  const producers = new Set<string>();
  // Lines are JSON arrays whose producer and seq sit side by side: a substring test skips the
  // other messages' lines without parsing them. An agent's batch of deliveries names its
  // producers once, in a dictionary: only a batch that names this producer is decoded.
  const needle = `${JSON.stringify(producerId)},${seq},`;
  const quotedProducer = JSON.stringify(producerId);
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const batch = line.startsWith('["deliveries",');
      if (!line.includes(batch ? quotedProducer : needle)) {
        // Fleet names are plain words: the producer id ends at the next quote.
        if (line.startsWith('["ack","')) producers.add(line.slice(8, line.indexOf('"', 8)));
        continue;
      }
      const record = parseRecord(line);
      if (!record) continue;
      apply(life, record, producerId, seq);
    }
  } catch (error) {
    // A run killed mid-write leaves a truncated gzip stream: what was read stands.
    if (!(error instanceof Error && /unexpected end of file/i.test(error.message))) throw error;
  }
  life.producersSeen = [...producers].sort();
  return life;
}

function parseRecord(line: string): MessageRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return Array.isArray(value) ? (value as MessageRecord) : undefined;
  } catch {
    return undefined;
  }
}

function apply(life: MessageLife, record: MessageRecord, producerId: string, seq: number): void {
  switch (record[0]) {
    case 'deliveries':
      for (const delivery of deliveriesIn(record as DeliveriesRecord, { producerId, seq }))
        apply(life, delivery, producerId, seq);
      break;
    case 'ack': {
      const [, p, s, sentAt, queue, offset, tag] = record as AckRecord;
      if (p === producerId && s === seq) life.ack = { sentAt, queue, offset, tag };
      break;
    }
    case 'delivery': {
      const [, group, instance, p, s, bornAt, receivedAt, queue, reconsumeTimes, outcome, kind] =
        record as DeliveryRecord;
      if (p === producerId && s === seq)
        life.deliveries.push({ group, instance, bornAt, receivedAt, queue, reconsumeTimes, outcome, kind });
      break;
    }
    case 'dead-letter': {
      const [, group, p, s, brokerName, offset] = record as DeadLetterRecord;
      if (p === producerId && s === seq) life.deadLettered.push({ group, brokerName, offset });
      break;
    }
    case 'lost': {
      const [, scope, p, s, queue, tag, holder, window, offsetReused, withHost] = record as LostRecord;
      if (p === producerId && s === seq)
        life.lost.push({
          scope,
          queue,
          tag,
          holder: holder || undefined,
          window,
          offsetReused,
          withHost: withHost || undefined,
        });
      break;
    }
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

/** The life as lines for a terminal; times on the run clock (seconds since the run started). */
export function formatMessageLife(life: MessageLife, summary: SummaryFile): string[] {
  const start = Date.parse(summary.run.startedAt);
  const lines = [`${life.id} in run ${summary.run.id} (plan ${summary.run.plan})`];
  if (!life.ack && life.deliveries.length === 0) {
    const known = life.producersSeen.includes(life.producerId);
    lines.push(
      known
        ? `  never acknowledged: producer ${life.producerId} has no ack for seq ${life.seq} (the send failed, ` +
            'was dropped, or was never due; see send errors in the summary)'
        : `  no producer ${life.producerId} in this run; producers: ${life.producersSeen.join(', ') || 'none'}`,
    );
    return lines;
  }
  if (life.ack) {
    const tag = life.ack.tag === '' ? 'no tag' : `tag ${life.ack.tag}`;
    const phase = phaseAt(summary, life.ack.sentAt - start);
    lines.push(`  sent       ${seconds(life.ack.sentAt - start)} (${phase}), ${tag}`);
    lines.push(`  acked      by ${life.ack.queue} at offset ${life.ack.offset}`);
  } else {
    lines.push('  acked      no ack recorded (delivered all the same: the ack was lost with its producer)');
  }
  for (const d of life.deliveries) {
    const answer = d.outcome === 'success' ? 'consumed' : 'answered retry';
    const redelivery = d.reconsumeTimes > 0 ? `, redelivery ${d.reconsumeTimes}` : '';
    lines.push(
      `  delivered  to ${d.instance} (${d.group}) at ${seconds(d.receivedAt - start)}, ` +
        `${Math.round(d.receivedAt - d.bornAt)} ms after sending, from ${d.queue}${redelivery}: ${answer}` +
        `${d.kind === 'duplicate' ? ' (duplicate)' : ''}`,
    );
  }
  const byGroup = new Map<string, number>();
  for (const d of life.deliveries) byGroup.set(d.group, (byGroup.get(d.group) ?? 0) + 1);
  for (const [group, count] of byGroup) lines.push(`  ${group}: delivered ${count} time${count === 1 ? '' : 's'}`);
  for (const d of life.deadLettered)
    lines.push(`  dead-lettered: read back from %DLQ%${d.group} on ${d.brokerName} at offset ${d.offset}`);
  for (const l of life.lost) {
    lines.push(
      `  LOST in ${l.scope}: never consumed; ${l.queue} was held by ${l.holder ?? 'no member'} when it was ` +
        `sent, during ${l.window}`,
    );
    if (l.offsetReused)
      lines.push(
        `    its offset ${life.ack?.offset ?? '?'} in ${l.queue} was acked again for another message: the broker ` +
          'that acked it cut its log back',
      );
    if (l.withHost)
      lines.push(
        `    consumed on ${l.withHost} before that host was lost: its offset was committed there, its receipt ` +
          'died with the host',
      );
    const group = groupOfScope(l.scope);
    // An aborted run has no diagnoses (and writes no lost records): nothing to look up then.
    const diagnoses = summary.verdict === 'aborted' ? [] : summary.diagnoses;
    const findings = diagnoses.filter((f) => f.group === group && coveredBy(f.claims ?? [], l));
    for (const f of findings) lines.push(`    explained by ${f.id}: ${queueReason(f, l.queue) ?? f.summary}`);
    if (findings.length === 0) lines.push('    explained by no finding (see unexplained-loss)');
  }
  return lines;
}

/** The finding's own words about one queue, when its evidence lists queues with reasons. */
function queueReason(finding: ReportedFinding, queue: string): string | undefined {
  const queues = finding.evidence['queues'];
  if (!Array.isArray(queues)) return undefined;
  for (const entry of queues) {
    if (entry && typeof entry === 'object' && !Array.isArray(entry) && entry['queue'] === queue) {
      const reason = entry['reason'];
      return typeof reason === 'string' ? `${queue}: ${reason}` : undefined;
    }
  }
  return undefined;
}

function phaseAt(summary: SummaryFile, runMs: number): string {
  let phase = 'before the first phase';
  for (const [name, p] of Object.entries(summary.phases)) if (p.startMs <= runMs) phase = name;
  return phase;
}
