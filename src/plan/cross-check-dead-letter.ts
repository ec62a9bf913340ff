/**
 * `deadLetter` rules. Dead-lettering is the broker's answer to CONSUMER_SEND_MSG_BACK once a
 * message has been redelivered maxReconsumeTimes times, so a fleet with poison messages must
 * send them back: protocol remoting on either driver (gRPC pop consumers' retries follow the
 * proxy's retry policy, not a client's maxReconsumeTimes), clustering (broadcasting drops a
 * failed message), push (the lite pull consumer seeks back instead of sending back) and
 * concurrently (orderly consumers retry in place, with no dead-letter step). One group's
 * fleets must agree, because the ledger computes one dead-letter set per group.
 */
import type { FleetCheckContext } from './cross-check-producers.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { parseMessageDelayLevel } from './message-delay-level.ts';
import type { PathSegment } from './messages.ts';
import { items, record, str, type Raw } from './raw.ts';

type At = (...rest: PathSegment[]) => PathSegment[];

const FIX = 'remove deadLetter or change it';

/** The fleet's own settings and those its overrides change, each as where and what it is. */
function refusals(fleet: Raw): string[] {
  const found: string[] = [];
  const protocol = str(fleet.protocol) ?? D.consumer.protocol;
  if (protocol !== 'remoting')
    found.push(`protocol ${protocol} (pop consumers' retries follow the proxy's retry policy, not maxReconsumeTimes)`);
  const model = str(fleet.model) ?? D.consumer.model;
  if (model !== 'clustering') found.push(`model ${model} (broadcasting consumers drop a failed message)`);
  const mode = str(fleet.mode) ?? D.consumer.mode;
  if (mode !== 'push') found.push(`mode ${mode} (a pull consumer seeks back to a failed message, never sends it back)`);
  const consume = str(fleet.consume) ?? D.consumer.consume;
  if (consume !== 'concurrently') found.push(`consume ${consume} (orderly consumers retry in place, no dead letter)`);
  items(fleet.overrides).forEach((raw, j) => {
    const override = record(raw);
    for (const key of ['protocol', 'mode'] as const) {
      const value = str(override?.[key]);
      const fine = { protocol: 'remoting', mode: 'push' }[key];
      if (value !== undefined && value !== fine) found.push(`overrides[${j}] ${key} ${value}`);
    }
  });
  return found;
}

export function checkDeadLetter(fleet: Raw, at: At, ctx: FleetCheckContext): void {
  if (fleet.deadLetter === undefined) return;
  const refused = refusals(fleet);
  if (refused.length > 0)
    ctx.issues.push({
      path: at('deadLetter'),
      anchor: 'key',
      message:
        'deadLetter runs on protocol remoting (driver node or java), model clustering, mode push, consume ' +
        'concurrently; ' +
        `this fleet has ${refused.join(', ')}: ${FIX}`,
    });
}

/** The settings as one comparable text, e.g. `poison 0.02, maxReconsumeTimes 2`, or `none`. */
function describe(deadLetter: unknown): string {
  const value = record(deadLetter);
  if (!value) return 'none';
  const max = value.maxReconsumeTimes ?? D.consumer.deadLetter.maxReconsumeTimes;
  return `poison ${String(value.poison)}, maxReconsumeTimes ${String(max)}`;
}

/** Every fleet of a group says the same deadLetter (or none): the dead-letter set is the group's. */
export function checkDeadLetterGroups(consumers: unknown[], ctx: FleetCheckContext): void {
  const first = new Map<string, { index: number; settings: string }>();
  consumers.forEach((raw, i) => {
    const fleet = record(raw);
    const group = str(fleet?.group) ?? str(fleet?.name);
    if (!fleet || group === undefined) return;
    const settings = describe(fleet.deadLetter);
    const seen = first.get(group);
    if (!seen) {
      first.set(group, { index: i, settings });
      return;
    }
    if (seen.settings === settings) return;
    ctx.issues.push({
      path: ['fleets', 'consumers', i, ...(fleet.deadLetter === undefined ? [] : ['deadLetter'])],
      anchor: 'key',
      message:
        `group ${group} has deadLetter ${settings} here but ${seen.settings} in fleets.consumers[${seen.index}]: ` +
        "the fleets of one group share the broker's dead-letter queue, give them the same deadLetter",
    });
  });
}

/** A messageDelayLevel the broker cannot parse stops it from starting; say so at validation. */
export function checkMessageDelayLevel(cluster: Raw | undefined, issues: FleetCheckContext['issues']): void {
  const value = record(cluster?.brokerConfig)?.messageDelayLevel;
  if (typeof value !== 'string') return;
  const parsed = parseMessageDelayLevel(value);
  if (!parsed.ok)
    issues.push({ path: ['cluster', 'brokerConfig', 'messageDelayLevel'], anchor: 'value', message: parsed.message });
}
