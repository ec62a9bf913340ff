/**
 * Delayed messages (`delay` on a producer fleet): a timer (`by`) or a delay level (`level`),
 * exactly one; a level the broker's messageDelayLevel has; no timers on a broker with the timer
 * wheel off (it refuses them: WHEEL_TIMER_NOT_ENABLE); not on gRPC fleets (a delivery time
 * needs a DELAY topic there, which this harness does not create); and a drain phase at least
 * as long as the delay, or messages sent at the end of the sending phases would be counted
 * lost before they are due. Timers on a 4.x broker are cluster-version's check.
 */
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { DEFAULT_MESSAGE_DELAY_LEVEL, parseMessageDelayLevel } from './message-delay-level.ts';
import { phaseLength } from './phase-lengths.ts';
import { items, record, str, type Raw } from './raw.ts';
import { thresholdKeyMetric } from './threshold-keys.ts';
import { formatDuration, parseDuration } from './units.ts';
import type { PendingIssue } from './zod-issues.ts';

export function checkDelays(plan: Raw, issues: PendingIssue[]): void {
  checkTimerThresholds(plan, issues);
  const brokerConfig = record(record(plan.cluster)?.brokerConfig);
  const given = brokerConfig?.messageDelayLevel;
  // One the broker cannot read is the dead-letter check's message; levels are then not judged.
  const parsed = parseMessageDelayLevel(typeof given === 'string' ? given : DEFAULT_MESSAGE_DELAY_LEVEL);
  const levels = parsed.ok ? parsed.levelsMs : undefined;
  const drainMs = phaseLength(plan, 'drain');
  items(record(plan.fleets)?.producers).forEach((raw, i) => {
    const fleet = record(raw);
    const delay = record(fleet?.delay);
    if (!fleet || !delay) return;
    const at = (...rest: (string | number)[]) => ['fleets', 'producers', i, 'delay', ...rest];
    const protocol = str(fleet.protocol) ?? D.producer.protocol;
    if (protocol === 'grpc') {
      issues.push({
        path: at(),
        anchor: 'key',
        message:
          'delay runs only on protocol remoting: through the proxy a delivery time needs a DELAY topic, which ' +
          'rmq-chaos does not create; remove delay or use protocol remoting',
      });
      return;
    }
    if ((delay.by === undefined) === (delay.level === undefined)) {
      issues.push({
        path: at(),
        anchor: 'value',
        message:
          delay.by === undefined
            ? 'delay needs by (a 5.x timer, e.g. by: 3s) or level (a delay level, e.g. level: 2)'
            : 'delay takes by (a timer) or level (a delay level), not both: keep one',
      });
      return;
    }
    let delayMs: number | undefined;
    if (typeof delay.level === 'number' && levels) {
      delayMs = levels[delay.level - 1];
      if (delayMs === undefined)
        issues.push({
          path: at('level'),
          anchor: 'value',
          message:
            `the broker has ${levels.length} delay levels (messageDelayLevel), ` +
            `so level ${delay.level} does not exist`,
        });
    }
    if (typeof delay.by === 'string') {
      const parsed = parseDuration(delay.by);
      if (parsed.ok) delayMs = parsed.value;
      if (brokerConfig?.timerWheelEnable === false)
        issues.push({
          path: at('by'),
          anchor: 'key',
          message:
            'cluster.brokerConfig.timerWheelEnable is false, so the broker refuses timers: use level or enable it',
        });
    }
    if (delayMs !== undefined && drainMs !== undefined && delayMs > drainMs)
      issues.push({
        path: at(),
        anchor: 'key',
        message:
          `messages are delayed ${formatDuration(delayMs)}, longer than phases.drain (${formatDuration(drainMs)}): ` +
          'those sent at the end would be counted lost before they are due; lengthen drain to at least the delay',
      });
  });
}

/** timer_lateness and timer_early without a delaying fleet would fail as "no data": say why now. */
function checkTimerThresholds(plan: Raw, issues: PendingIssue[]): void {
  const delaying = items(record(plan.fleets)?.producers).some((raw) => record(raw)?.delay !== undefined);
  if (delaying) return;
  for (const key of Object.keys(record(plan.thresholds) ?? {})) {
    const metric = thresholdKeyMetric(key);
    if (metric === 'timer_lateness' || metric === 'timer_early')
      issues.push({
        path: ['thresholds', key],
        anchor: 'key',
        message: `${metric} is measured on delayed messages (delay on a producer fleet), and this plan has none`,
      });
  }
}
