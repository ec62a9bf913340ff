/**
 * Producer rules that relate fields: exactly one of `rate` and `stages`, `startRate` only with
 * stages, stages that fit in the sending phases (load, chaos, heal) and send something, no
 * delay on ordered messages.
 */
import { formatDuration, parseDuration, parseRate } from './units.ts';
import type { PathSegment } from './messages.ts';
import { SENDING_PHASES, describeSum, totalOf, usesOptionalPhases, type SendingLengths } from './phase-lengths.ts';
import { items, record, str, type Raw } from './raw.ts';
import { checkClientVersion, unsupportedBy, type WorkerSettings } from './cross-check-drivers.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import type { PendingIssue } from './zod-issues.ts';

export interface FleetCheckContext {
  /** Declared topic names, or undefined when the topics list is broken (then references are not judged). */
  declared: readonly string[] | undefined;
  /** Why a grpc fleet has no proxy to talk to (the message), or undefined when it has one. */
  proxyMissing: string | undefined;
  /** phases.load, chaos and heal in ms (producers send through them), or undefined when one is missing or invalid. */
  sending: SendingLengths | undefined;
  /** The brokers' RocketMQ version: SQL92 filters are judged with its grammar. */
  serverVersion: string;
  /** Where consumers subscribe with SQL92 (`fleets.consumers[1].subscription.orders`), filled by the checks. */
  sqlSubscribers: string[];
  issues: PendingIssue[];
}

type At = (...rest: PathSegment[]) => PathSegment[];

function parsed(value: unknown, parse: typeof parseDuration | typeof parseRate): number | undefined {
  if (typeof value !== 'string') return undefined;
  const result = parse(value);
  return result.ok ? result.value : undefined;
}

/** Stages outlast the sending time: a plan without chaos and heal hears only of phases.load. */
function tooLong(total: number, sending: SendingLengths): string {
  const stages = `the stages last ${formatDuration(total)} in total`;
  if (!usesOptionalPhases(sending)) {
    return (
      `${stages}, longer than phases.load (${formatDuration(sending.load)}): shorten them or lengthen the load ` +
      'phase'
    );
  }
  const sum = `${describeSum(sending, SENDING_PHASES)} = ${formatDuration(totalOf(sending, SENDING_PHASES))}`;
  return `${stages}, longer than the sending phases (${sum}): shorten them or lengthen those phases`;
}

function checkStages(fleet: Raw, at: At, ctx: FleetCheckContext): void {
  const stages = items(fleet.stages).map(record);
  if (stages.length === 0) return;
  const durations = stages.map((s) => parsed(s?.duration, parseDuration));
  const targets = stages.map((s) => parsed(s?.target, parseRate));
  const start = fleet.startRate === undefined ? 0 : parsed(fleet.startRate, parseRate);

  // Every duration parsed: the total is known (a broken one is the schema's message).
  if (durations.every((d): d is number => d !== undefined)) {
    const total = durations.reduce((sum, d) => sum + d, 0);
    if (total === 0) {
      ctx.issues.push({
        path: at('stages'),
        anchor: 'value',
        message: 'the stages last 0ms in total: give at least one stage a duration',
      });
    } else if (ctx.sending !== undefined && total > totalOf(ctx.sending, SENDING_PHASES)) {
      ctx.issues.push({ path: at('stages'), anchor: 'value', message: tooLong(total, ctx.sending) });
    }
  }
  if (start === 0 && targets.every((t) => t === 0)) {
    ctx.issues.push({
      path: at('stages'),
      anchor: 'value',
      message: 'the stages never send: startRate and every target are 0/s',
    });
  }
}

export function checkProducer(fleet: Raw, at: At, ctx: FleetCheckContext): void {
  const settings: WorkerSettings = {
    driver: str(fleet.driver) ?? D.producer.driver,
    protocol: str(fleet.protocol) ?? D.producer.protocol,
    clientVersion: fleet.clientVersion,
  };
  checkClientVersion(settings, at, ctx.issues);
  const send = unsupportedBy('send', fleet.send, settings);
  if (send) ctx.issues.push({ path: at('send'), anchor: 'value', message: send });
  const hasRate = fleet.rate !== undefined;
  const hasStages = fleet.stages !== undefined;
  if (!hasRate && !hasStages) {
    ctx.issues.push({
      path: at(),
      anchor: 'value',
      message:
        'required key "rate" or "stages" is missing (rate: 200/s sends at a constant rate; stages: ' +
        '[{duration: 10s, target: 500/s}] ramps it)',
    });
  } else if (hasRate && hasStages) {
    ctx.issues.push({
      path: at(),
      anchor: 'value',
      message: 'rate and stages are exclusive: rate sends at a constant rate, stages ramp it; keep one',
    });
  } else if (hasRate && fleet.startRate !== undefined) {
    ctx.issues.push({
      path: at('startRate'),
      anchor: 'key',
      message: 'startRate is only for stages (rate sends at a constant rate from the start)',
    });
  }
  if (hasStages) checkStages(fleet, at, ctx);
  checkBatchAndOversize(fleet, settings, at, ctx);
  if (fleet.ordered !== undefined && fleet.delay !== undefined) {
    ctx.issues.push({
      path: at('delay'),
      anchor: 'key',
      message:
        "delay cannot be combined with ordered: a delayed message leaves its sharding key's order (RocketMQ " +
        '5 clients refuse a message with both a message group and a delivery time)',
    });
  }
}

/**
 * batch and oversize run on the Node remoting producer only (the Java worker does not read
 * them yet, gRPC has no batch request here); a batch holds no delayed or ordered messages, as
 * the broker and Java's MessageBatch refuse them.
 */
function checkBatchAndOversize(fleet: Raw, settings: WorkerSettings, at: At, ctx: FleetCheckContext): void {
  const batched = typeof fleet.batch === 'number' && fleet.batch > 1;
  const where = `driver ${settings.driver} with protocol ${settings.protocol}`;
  const supported = settings.driver === 'node' && settings.protocol === 'remoting';
  if (batched && !supported)
    ctx.issues.push({
      path: at('batch'),
      anchor: 'value',
      message: `batch runs only on driver node with protocol remoting, not ${where}: remove batch or change the driver`,
    });
  if (fleet.oversize !== undefined && !supported)
    ctx.issues.push({
      path: at('oversize'),
      anchor: 'key',
      message: `oversize runs only on driver node with protocol remoting, not ${where}: remove it or change the driver`,
    });
  if (!batched) return;
  const why = {
    ordered: "a batch goes to one queue, and each ordered message to its sharding key's queue",
    delay: 'the broker and the Java client refuse delayed messages in a batch',
  };
  for (const key of ['ordered', 'delay'] as const) {
    if (fleet[key] === undefined) continue;
    ctx.issues.push({
      path: at(key),
      anchor: 'key',
      message: `${key} cannot be combined with batch: ${why[key]}; remove one`,
    });
  }
}
