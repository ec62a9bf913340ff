/**
 * Consumer rules that relate fields: subscribed topics are declared, mode simple runs over
 * gRPC only, and overrides name instances of their fleet, each at most once, with the same
 * rules as the fleet's own settings.
 */
import { consumerModesOf } from '../drivers/capabilities.ts';
import { checkClientVersion, checkModeStyles, unsupportedBy, type WorkerSettings } from './cross-check-drivers.ts';
import { checkDeadLetter } from './cross-check-dead-letter.ts';
import type { FleetCheckContext } from './cross-check-producers.ts';
import { checkSqlSyntax, sqlEntries } from './cross-check-sql.ts';
import { CONSUMER_MODE_NAMES } from './schema-fleets.ts';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { formatPath, type PathSegment, undeclared } from './messages.ts';
import { int, items, record, str, type Raw } from './raw.ts';

type At = (...rest: PathSegment[]) => PathSegment[];

export const GRPC_NEEDS_PROXY = 'protocol grpc talks to the RocketMQ proxy: set cluster.proxy: true';
/** Whether an external cluster runs a proxy cannot be read from its name server: the plan says where it is. */
export const GRPC_NEEDS_PROXY_ADDR =
  "protocol grpc talks to the RocketMQ proxy, and an external cluster's name server does not say where one " +
  'is: set cluster.proxyAddr to its gRPC endpoint, e.g. "10.0.0.5:8081"';

function checkSubscription(subscription: unknown, at: At, ctx: FleetCheckContext, settings: WorkerSettings): void {
  const { declared } = ctx;
  for (const topic of Object.keys(record(subscription) ?? {})) {
    if (declared && !declared.includes(topic)) {
      ctx.issues.push({ path: at('subscription', topic), anchor: 'key', message: undeclared(topic, declared) });
    }
  }
  checkSqlSyntax(subscription, at, ctx.serverVersion, ctx.issues);
  const sql = sqlEntries(subscription)[0];
  if (sql === undefined) return;
  ctx.sqlSubscribers.push(formatPath(at('subscription', sql[0])));
  checkSqlSupport(at('subscription', sql[0]), ctx, settings);
}

/**
 * A SQL92 subscription runs on the Node remoting worker and on RocketMQ's Java clients
 * (MessageSelector.bySql, FilterExpressionType.SQL92), not on the Node gRPC client here (brokers
 * with enablePropertyFilter: cross-checks.ts).
 */
function checkSqlSupport(path: PathSegment[], ctx: FleetCheckContext, settings: WorkerSettings): void {
  if (settings.driver === 'node' && settings.protocol === 'grpc') {
    ctx.issues.push({
      path,
      anchor: 'key',
      message:
        "SQL92 subscriptions do not run on driver node with protocol grpc: use driver java (RocketMQ's gRPC " +
        'client), protocol remoting, or a tag expression',
    });
  }
}

function instanceRange(name: string, instances: number): string {
  return instances === 1
    ? `fleet ${name} has 1 instance (index 0)`
    : `fleet ${name} has ${instances} instances (0 to ${instances - 1})`;
}

function checkOverrides(fleet: Raw, at: At, ctx: FleetCheckContext): void {
  const name = str(fleet.name) ?? 'this fleet';
  const instances =
    fleet.instances === undefined ? D.consumer.instances : int(fleet.instances, L.instances.min, L.instances.max);
  const fleetProtocol = str(fleet.protocol) ?? D.consumer.protocol;
  const fleetMode = str(fleet.mode) ?? D.consumer.mode;
  const fleetDriver = str(fleet.driver) ?? D.consumer.driver;
  const owner = new Map<number, number>();

  items(fleet.overrides).forEach((raw, j) => {
    const override = record(raw);
    if (!override) return;
    const here = (...rest: PathSegment[]) => at('overrides', j, ...rest);
    items(override.instances).forEach((value, k) => {
      const index = int(value, 0, Number.MAX_SAFE_INTEGER);
      if (index === undefined) return;
      const path = here('instances', k);
      if (instances !== undefined && index >= instances) {
        ctx.issues.push({
          path,
          anchor: 'value',
          message: `instance ${index} is out of range: ${instanceRange(name, instances)}`,
        });
        return;
      }
      const first = owner.get(index);
      if (first === undefined) owner.set(index, j);
      else if (first === j) ctx.issues.push({ path, anchor: 'value', message: `instance ${index} is listed twice` });
      else ctx.issues.push({ path, anchor: 'value', message: `instance ${index} is already in overrides[${first}]` });
    });
    const settings: WorkerSettings = {
      driver: str(override.driver) ?? fleetDriver,
      protocol: str(override.protocol) ?? fleetProtocol,
      clientVersion: override.clientVersion,
    };
    if (override.subscription !== undefined) checkSubscription(override.subscription, here, ctx, settings);
    else if (override.driver !== undefined || override.protocol !== undefined) {
      // The fleet's SQL92 subscription runs on the override's other worker too.
      const inherited = sqlEntries(fleet.subscription)[0];
      const path = here(override.driver !== undefined ? 'driver' : 'protocol');
      if (inherited) checkSqlSupport(path, ctx, settings);
    }
    checkClientVersion(settings, here, ctx.issues);
    // The fleet's consume style must suit an override's other worker too.
    if (override.driver !== undefined || override.protocol !== undefined) {
      const consume = unsupportedBy('consume', fleet.consume, settings);
      if (consume)
        ctx.issues.push({
          path: here(override.driver !== undefined ? 'driver' : 'protocol'),
          anchor: 'value',
          message: consume,
        });
    }
    if (override.protocol === 'grpc' && ctx.proxyMissing) {
      ctx.issues.push({ path: here('protocol'), anchor: 'value', message: ctx.proxyMissing });
    }
    const protocol = str(override.protocol) ?? fleetProtocol;
    const unsupported = typeof override.mode === 'string' ? modeUnsupported(override.mode, protocol) : undefined;
    if (unsupported) {
      ctx.issues.push({ path: here('mode'), anchor: 'value', message: unsupported });
    } else if (
      override.mode === undefined &&
      fleetMode === 'simple' &&
      fleetProtocol === 'grpc' &&
      protocol !== 'grpc'
    ) {
      ctx.issues.push({
        path: here('protocol'),
        anchor: 'value',
        message:
          `protocol ${protocol} cannot run the fleet's mode simple (the gRPC SimpleConsumer): set mode ` +
          `${consumerModesOf(protocol).join(' or ')} in this override too`,
      });
    }
  });
}

/** Why `protocol`'s driver cannot run consumer `mode` (drivers/capabilities.ts), or undefined when it can. */
function modeUnsupported(mode: string, protocol: string): string | undefined {
  // A mode the language does not know is the schema's to report.
  const runs = consumerModesOf(protocol);
  if (!(CONSUMER_MODE_NAMES as readonly string[]).includes(mode) || runs.includes(mode)) return undefined;
  if (mode === 'simple') return `mode simple is the gRPC SimpleConsumer: set protocol: grpc (protocol is ${protocol})`;
  if (runs.length === 0) return undefined; // an unknown protocol is the schema's to report
  return `mode ${mode} does not exist on protocol ${protocol} (it runs ${runs.join(' or ')}): use mode: ${runs[0]}`;
}

export function checkConsumer(fleet: Raw, at: At, ctx: FleetCheckContext): void {
  const protocol = str(fleet.protocol) ?? D.consumer.protocol;
  const unsupported = typeof fleet.mode === 'string' ? modeUnsupported(fleet.mode, protocol) : undefined;
  if (unsupported) ctx.issues.push({ path: at('mode'), anchor: 'value', message: unsupported });
  const settings: WorkerSettings = {
    driver: str(fleet.driver) ?? D.consumer.driver,
    protocol,
    clientVersion: fleet.clientVersion,
  };
  checkClientVersion(settings, at, ctx.issues);
  checkSubscription(fleet.subscription, at, ctx, settings);
  const sql = sqlEntries(fleet.subscription)[0];
  if (sql && settings.driver === 'java' && fleet.pull === 'assign')
    ctx.issues.push({
      path: at('pull'),
      anchor: 'value',
      message:
        "pull: assign takes tag expressions only on driver java (the Java lite pull consumer's " +
        'setSubExpressionForAssign): subscribe instead, or use a tag expression',
    });
  checkModeStyles(fleet, str(fleet.mode) ?? D.consumer.mode, at, ctx.issues);
  const consume = unsupportedBy('consume', fleet.consume, settings);
  if (consume) ctx.issues.push({ path: at('consume'), anchor: 'value', message: consume });
  checkOverrides(fleet, at, ctx);
  checkDeadLetter(fleet, at, ctx);
}
