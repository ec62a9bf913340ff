/**
 * Consumer rules that relate fields: subscribed topics are declared, mode simple runs over
 * gRPC only, and overrides name instances of their fleet, each at most once, with the same
 * rules as the fleet's own settings.
 */
import { consumerModesOf } from '../drivers/capabilities.ts';
import { checkClientVersion, checkModeStyles, unsupportedBy, type WorkerSettings } from './cross-check-drivers.ts';
import { checkDeadLetter } from './cross-check-dead-letter.ts';
import type { FleetCheckContext } from './cross-check-producers.ts';
import { CONSUMER_MODE_NAMES } from './schema-fleets.ts';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { type PathSegment, undeclared } from './messages.ts';
import { int, items, record, str, type Raw } from './raw.ts';

type At = (...rest: PathSegment[]) => PathSegment[];

export const GRPC_NEEDS_PROXY = 'protocol grpc talks to the RocketMQ proxy: set cluster.proxy: true';
/** Whether an external cluster runs a proxy cannot be read from its name server: the plan says where it is. */
export const GRPC_NEEDS_PROXY_ADDR =
  "protocol grpc talks to the RocketMQ proxy, and an external cluster's name server does not say where one " +
  'is: set cluster.proxyAddr to its gRPC endpoint, e.g. "10.0.0.5:8081"';

function checkSubscription(subscription: unknown, at: At, ctx: FleetCheckContext): void {
  const { declared } = ctx;
  for (const topic of Object.keys(record(subscription) ?? {})) {
    if (declared && !declared.includes(topic)) {
      ctx.issues.push({ path: at('subscription', topic), anchor: 'key', message: undeclared(topic, declared) });
    }
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
    checkSubscription(override.subscription, here, ctx);
    const settings: WorkerSettings = {
      driver: str(override.driver) ?? fleetDriver,
      protocol: str(override.protocol) ?? fleetProtocol,
      clientVersion: override.clientVersion,
    };
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
  checkSubscription(fleet.subscription, at, ctx);
  const protocol = str(fleet.protocol) ?? D.consumer.protocol;
  const unsupported = typeof fleet.mode === 'string' ? modeUnsupported(fleet.mode, protocol) : undefined;
  if (unsupported) ctx.issues.push({ path: at('mode'), anchor: 'value', message: unsupported });
  const settings: WorkerSettings = {
    driver: str(fleet.driver) ?? D.consumer.driver,
    protocol,
    clientVersion: fleet.clientVersion,
  };
  checkClientVersion(settings, at, ctx.issues);
  checkModeStyles(fleet, str(fleet.mode) ?? D.consumer.mode, at, ctx.issues);
  const consume = unsupportedBy('consume', fleet.consume, settings);
  if (consume) ctx.issues.push({ path: at('consume'), anchor: 'value', message: consume });
  checkOverrides(fleet, at, ctx);
  checkDeadLetter(fleet, at, ctx);
}
