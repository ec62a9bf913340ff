/**
 * The broker settings an exported plan carries (`cluster.brokerConfig`): the few that shape
 * what doctor diagnoses and how a replay behaves, as the brokers report them
 * (GET_BROKER_CONFIG, every value a string), converted to what the plan's schema takes. Not
 * every setting: a replay on a laptop should not inherit a production broker's thread pools,
 * store paths or memory sizes.
 */
import { type ConfValue, confKeySpecs } from '../cluster/server-conf/conf-keys.ts';
import { checkConfValue } from '../plan/server-conf-values.ts';

/** Each key with why a replay needs it. */
export const EXPORTED_BROKER_KEYS: Readonly<Record<string, string>> = {
  channelExpiredTimeout: 'how long a silent consumer stays a member (stale-consumer)',
  notifyConsumerIdsChangedEnable: 'whether members hear of a join or leave at once (rebalance latency)',
  autoCreateSubscriptionGroup: 'whether a group needs creating before it consumes',
  enablePropertyFilter: 'SQL92 filtering (subscriptions beyond tags)',
  filterSupportRetry: 'whether retried messages are filtered with the group subscription',
  enableCalcFilterBitMap: 'filter bitmaps for SQL92 subscriptions',
  longPollingEnable: 'long or short polling of pulls (resume latency)',
  shortPollingTimeMills: 'the pull hold time without long polling',
  useServerSideResetOffset: 'offset resets on the broker side',
  maxMessageSize: 'the largest message a producer may send',
  consumerFallbehindThreshold: 'when a lagging group is throttled',
  disableConsumeIfConsumerReadSlowly: 'whether a lagging group is cut off',
  messageDelayLevel: 'the delay levels retries and delayed messages use',
  flushDiskType: 'synchronous or asynchronous flush (send latency)',
};

export interface BrokerConfigExport {
  entries: Record<string, ConfValue>;
  /** What could not be carried over, one line each. */
  notes: string[];
}

/** A broker's string value as a plan writes it: a number, a boolean, or the string itself. */
function planValue(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(?:\.\d+)?$/.test(raw) && Number.isSafeInteger(Math.trunc(Number(raw)))) return Number(raw);
  return raw;
}

/**
 * The exported keys from every master's configuration (the first master's value when they
 * differ; a note says so). A key no broker reports (an older release) is left out silently:
 * the replay then runs with its own default.
 */
export function exportBrokerConfig(
  brokers: readonly { broker: string; config: Readonly<Record<string, string>> }[],
): BrokerConfigExport {
  const specs = confKeySpecs('broker');
  const entries: Record<string, ConfValue> = {};
  const notes: string[] = [];
  for (const key of Object.keys(EXPORTED_BROKER_KEYS)) {
    const reported = brokers.filter((b) => b.config[key] !== undefined);
    if (reported.length === 0) continue;
    const raw = reported[0]!.config[key]!;
    const distinct = [...new Set(reported.map((b) => b.config[key]!))];
    if (distinct.length > 1) {
      notes.push(
        `brokers differ on ${key} (${reported.map((b) => `${b.broker}: ${b.config[key]}`).join(', ')}); ` +
          `the plan sets ${reported[0]!.broker}'s for every broker`,
      );
    }
    const spec = specs.get(key);
    const checked = spec
      ? checkConfValue(spec, spec.kind === 'string' || spec.kind === 'enum' ? raw : planValue(raw))
      : undefined;
    if (!checked?.ok) {
      notes.push(`broker ${key}=${raw} left out: ${checked ? checked.message : 'not a key this release reads'}`);
      continue;
    }
    entries[key] = checked.value;
  }
  return { entries, notes };
}
