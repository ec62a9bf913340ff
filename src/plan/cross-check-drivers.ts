/**
 * Worker rules that relate fields (drivers/capabilities.ts is the table): `clientVersion` only
 * names a Java client, a gRPC Java client is a 5.x one, and a consumer's `consume`/`pull` and
 * a producer's `send` are things its worker can do.
 */
import { capabilitiesOf } from '../drivers/capabilities.ts';
import { JAVA_CLIENTS } from '../setup/versions.ts';
import type { PathSegment } from './messages.ts';
import { str } from './raw.ts';
import type { PendingIssue } from './zod-issues.ts';

type At = (...rest: PathSegment[]) => PathSegment[];

/** The settings of one fleet or override, effective (its own else inherited), as written. */
export interface WorkerSettings {
  driver: string;
  protocol: string;
  /** The clientVersion this fleet or override writes (an inherited one was judged where it was written). */
  clientVersion: unknown;
}

/** clientVersion without driver java, or a 4.x gRPC client. */
export function checkClientVersion(settings: WorkerSettings, at: At, issues: PendingIssue[]): void {
  const version = str(settings.clientVersion);
  if (version === undefined) return;
  if (settings.driver !== 'java') {
    issues.push({
      path: at('clientVersion'),
      anchor: 'value',
      message:
        `clientVersion picks the version of RocketMQ's Java client, and driver is ${settings.driver} ` +
        "(this project's own client): set driver: java, or remove clientVersion",
    });
    return;
  }
  if (settings.protocol === 'grpc' && !version.startsWith('5.')) {
    issues.push({
      path: at('clientVersion'),
      anchor: 'value',
      message:
        `protocol grpc runs ${JAVA_CLIENTS.grpc.artifact}, whose versions are 5.x (got ${version}): name a 5.x ` +
        `version, or use protocol remoting for ${JAVA_CLIENTS.remoting.artifact} ${version}`,
    });
  }
}

const WHO = (driver: string, protocol: string) => `driver ${driver} on protocol ${protocol}`;

/** A value of `key` (consume, send) that the fleet's worker cannot do, or undefined. */
export function unsupportedBy(key: 'consume' | 'send', value: unknown, settings: WorkerSettings): string | undefined {
  if (typeof value !== 'string') return undefined;
  const can = capabilitiesOf(settings.driver, settings.protocol)[key];
  // An unknown driver or protocol is the schema's to report.
  if (can.length === 0 || can.includes(value)) return undefined;
  const others = (['node', 'java'] as const).filter((d) => capabilitiesOf(d, settings.protocol)[key].includes(value));
  const elsewhere =
    others.length > 0
      ? `; driver ${others.join(' or ')} can`
      : key === 'consume' && value === 'orderly'
        ? '; orderly consumption takes broker queue locks, which only protocol remoting has'
        : '';
  return `${key} ${value} is not something ${WHO(settings.driver, settings.protocol)} does (it does ${can.join(
    ', ',
  )})${elsewhere}`;
}

/** consume and pull each belong to one mode: orderly to push listeners, assign to pull consumers. */
export function checkModeStyles(fleet: Record<string, unknown>, mode: string, at: At, issues: PendingIssue[]): void {
  if (fleet.consume === 'orderly' && mode !== 'push') {
    issues.push({
      path: at('consume'),
      anchor: 'value',
      message:
        `consume orderly is a push listener (MessageListenerOrderly), and mode is ${mode}: set mode: push, or ` +
        'remove consume',
    });
  }
  if (fleet.pull !== undefined && mode !== 'pull') {
    issues.push({
      path: at('pull'),
      anchor: 'value',
      message:
        `pull: ${String(fleet.pull)} says how a pull consumer gets its queues, and mode is ${mode}: ` +
        'set mode: pull',
    });
  }
}
