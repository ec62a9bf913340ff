/**
 * Fault rules that relate fields: the keys an action allows and needs, targets that exist and
 * suit the action, unique names, parameters that bound each other, repetition (count, every,
 * duration), and time (cross-check-fault-times.ts). Values are judged with the schema's own
 * rules first, so a value the schema rejects never gets a second message here.
 */
import { checkFaultTimes, checkScaleBalance, type ScaleFault, type TimedFault } from './cross-check-fault-times.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { FAULT_ACTIONS, FAULT_COMMON_KEYS, FAULT_PARAM_NAMES, isFaultAction } from './fault-catalogue.ts';
import type { AnyFaultSpec } from './fault-specs/fault-spec.ts';
import { measure, valid } from './fault-specs/param-checks.ts';
import { scaleSpec } from './fault-specs/scale.ts';
import { targetProblem } from './fault-target-messages.ts';
import type { FaultTargetSpec, FaultTiming } from './fault-schedule.ts';
import { targetUniverse, type TargetUniverse } from './fault-targets.ts';
import { requiredKeyMessage, unknownKeyMessage, type PathSegment } from './messages.ts';
import { phaseLengths } from './phase-lengths.ts';
import { int, items, record, str, type Raw } from './raw.ts';
import type { FaultActionName } from './resolved-faults.ts';
import type { FaultPhase } from './phase-lengths.ts';
import { FAULT_COMMON_VALUES as C } from './schema-faults.ts';
import { formatDuration, parseDuration } from './units.ts';
import { serverVersionOf } from './cross-check-sql.ts';
import type { PendingIssue } from './zod-issues.ts';

type At = (...rest: PathSegment[]) => PathSegment[];

function checkKeys(fault: Raw, action: FaultActionName | undefined, at: At, issues: PendingIssue[]): void {
  const spec: AnyFaultSpec | undefined = action && FAULT_ACTIONS[action];
  const common = FAULT_COMMON_KEYS.filter((key) => key !== 'duration' || spec?.lasts !== 'never');
  const allowed: readonly string[] = spec ? [...common, ...spec.paramNames] : [...common, ...FAULT_PARAM_NAMES];
  for (const key of Object.keys(fault)) {
    if (allowed.includes(key)) continue;
    const issue = (message: string) => issues.push({ path: at(key), anchor: 'key', message });
    if (!spec || ![...FAULT_PARAM_NAMES, 'duration'].includes(key)) {
      issues.push({ path: at(key), anchor: 'key', message: unknownKeyMessage(key, allowed), shownPath: at() });
    } else if (key === 'duration') {
      issue(`${action} is instant and takes no duration (${spec.insteadOfDuration})`);
    } else {
      const own =
        spec.paramNames.length > 0 ? ` (its parameters: ${spec.paramNames.join(', ')})` : ', which takes none';
      issue(`${key} is not a parameter of ${action}${own}`);
    }
  }
  if (!spec) return;
  if (spec.lasts === 'always' && fault.duration === undefined) {
    issues.push({
      path: at(),
      anchor: 'value',
      message: `${requiredKeyMessage('duration')} (${action} lasts: say for how long, e.g. duration: 20s)`,
    });
  }
  for (const param of spec.required) {
    if (fault[param] !== undefined) continue;
    issues.push({
      path: at(),
      anchor: 'value',
      message: `${requiredKeyMessage(param)} (${action} needs it, e.g. ${spec.params[param]?.example})`,
    });
  }
}

/** The target as the scheduler takes it, or undefined when it is invalid (each problem reported). */
function checkTarget(
  value: unknown,
  action: FaultActionName | undefined,
  u: TargetUniverse,
  at: At,
  issues: PendingIssue[],
): FaultTargetSpec | undefined {
  if (!valid(C.target, value)) return undefined;
  const random = record(value);
  const names = (random ? items(random.random) : typeof value === 'string' ? [value] : items(value)) as string[];
  const pathOf = (j: number) =>
    random ? at('target', 'random', j) : typeof value === 'string' ? at('target') : at('target', j);
  let ok = true;
  const seen = new Set<string>();
  names.forEach((name, j) => {
    const problem = seen.has(name) ? `target ${JSON.stringify(name)} is listed twice` : targetProblem(name, action, u);
    seen.add(name);
    if (problem) issues.push({ path: pathOf(j), anchor: 'value', message: problem });
    ok &&= problem === undefined;
  });
  if (!random) return ok ? { names } : undefined;
  const pick = int(random.pick, 1, Number.MAX_SAFE_INTEGER) ?? D.fault.pick;
  if (pick > names.length) {
    const listed = `${names.length} target${names.length === 1 ? '' : 's'}`;
    issues.push({
      path: at('target', 'pick'),
      anchor: 'value',
      message: `pick ${pick} is more than the ${listed} listed to pick from`,
    });
    return undefined;
  }
  return ok ? { random: names, pick } : undefined;
}

/** The checks the action's spec declares on its parameters (bounds between them, drift's topics). */
function checkParams(
  fault: Raw,
  action: FaultActionName,
  declaredTopics: readonly string[] | undefined,
  serverVersion: string,
  at: At,
  issues: PendingIssue[],
): void {
  const spec: AnyFaultSpec = FAULT_ACTIONS[action];
  for (const check of spec.checks ?? [])
    check({ fault, fields: spec.params, at, issues, declaredTopics, serverVersion });
}

/** count, every and duration together; the timing when all of them are valid and agree. */
function checkRepetition(
  fault: Raw,
  action: FaultActionName | undefined,
  at: At,
  issues: PendingIssue[],
): FaultTiming | undefined {
  const count =
    fault.count === undefined ? D.fault.count : valid(C.count, fault.count) ? (fault.count as number) : undefined;
  const everyMs = measure(C.every, fault.every, parseDuration);
  const spec: AnyFaultSpec | undefined = action && FAULT_ACTIONS[action];
  const lasts = spec?.lasts;
  const instant = lasts === 'never' || (lasts === 'optional' && fault.duration === undefined);
  const durationMs = instant ? null : measure(C.duration, fault.duration, parseDuration);
  let ok = true;
  const issue = (path: PathSegment[], message: string, anchor: 'key' | 'value' = 'value') => {
    issues.push({ path, anchor, message });
    ok = false;
  };
  if (count !== undefined && count > 1 && fault.every === undefined) {
    issue(at('count'), `count ${count} needs every: the time from one occurrence's start to the next, e.g. every: 30s`);
  }
  if (fault.every !== undefined && fault.count === undefined)
    issue(at('every'), 'every needs count: how many occurrences, e.g. count: 3', 'key');
  if (everyMs !== undefined && typeof durationMs === 'number' && everyMs <= durationMs) {
    const [every, duration] = [formatDuration(everyMs), formatDuration(durationMs)];
    issue(
      at('every'),
      `every (${every}) must be longer than duration (${duration}): an occurrence must end before the next begins`,
    );
  }
  // An instant action that keeps its target busy (restart: down) must be over before the next begins.
  const busy = spec?.repeatsAfter;
  const busyField = busy && spec?.params[busy.param];
  const busyMs = busy && busyField ? measure(busyField.schema, fault[busy.param], parseDuration) : undefined;
  if (busy && everyMs !== undefined && busyMs !== undefined && everyMs <= busyMs) {
    const [every, busyFor] = [formatDuration(everyMs), formatDuration(busyMs)];
    issue(at('every'), `every (${every}) must be longer than ${busy.param} (${busyFor}): ${busy.why}`);
  }
  const atMs = measure(C.at, fault.at, parseDuration, 0);
  const everyOk = fault.every === undefined || everyMs !== undefined;
  if (!ok || !action || count === undefined || atMs === undefined || !everyOk || durationMs === undefined)
    return undefined;
  return { atMs, ...(everyMs !== undefined ? { everyMs } : {}), count, durationMs };
}

/** Explicit names are unique, and none takes the default name (`kill-1`) of a fault without one. */
function checkNames(faults: readonly unknown[], issues: PendingIssue[]): void {
  const defaults = new Map<string, number>();
  faults.forEach((raw, i) => {
    const fault = record(raw);
    if (fault && fault.name === undefined && isFaultAction(fault.action)) defaults.set(`${fault.action}-${i}`, i);
  });
  const named = new Map<string, number>();
  faults.forEach((raw, i) => {
    const name = str(record(raw)?.name);
    if (name === undefined || !valid(C.name, name)) return;
    const first = named.get(name);
    const owner = defaults.get(name);
    const path = ['faults', i, 'name'];
    if (first !== undefined)
      issues.push({ path, anchor: 'value', message: `fault name "${name}" is already used by faults[${first}]` });
    else if (owner !== undefined) {
      const action = str(record(faults[owner])?.action) ?? '';
      issues.push({
        path,
        anchor: 'value',
        message:
          `fault name "${name}" is the default name of faults[${owner}] (a ${action} without a name): choose ` +
          `another, or name faults[${owner}]`,
      });
    }
    if (first === undefined) named.set(name, i);
  });
}

export function checkFaults(plan: Raw, declared: readonly string[] | undefined, issues: PendingIssue[]): void {
  const faults = items(plan.faults);
  const universe = targetUniverse(plan);
  const phases = phaseLengths(plan);
  const seed = plan.seed === undefined ? D.seed : int(plan.seed, 0, Number.MAX_SAFE_INTEGER);
  const scales: ScaleFault[] = [];
  let scalesComplete = true;
  checkNames(faults, issues);
  faults.forEach((raw, index) => {
    const fault = record(raw);
    const action = fault && isFaultAction(fault.action) ? fault.action : undefined;
    // A fault whose action is unknown may be a scale fault: the balance cannot be judged without it.
    if (action === undefined) scalesComplete = false;
    if (!fault) return;
    const at: At = (...rest) => ['faults', index, ...rest];
    checkKeys(fault, action, at, issues);
    // With agents, their hosts carry the clients' links: cross-check-agents.ts judges those plans.
    if (action?.startsWith('network.') && universe.cluster?.external && (universe.agents?.length ?? 0) === 0) {
      issues.push({
        path: at('action'),
        anchor: 'value',
        message:
          `${action} needs Toxiproxy between the clients and the cluster, and provider external has none: an ` +
          'external cluster is not ours to break (rmq-chaos neither runs it nor sits in front of it); with agents, ' +
          "the clients' links on their hosts can be faulted",
      });
    }
    const target = checkTarget(fault.target, action, universe, at, issues);
    if (action) checkParams(fault, action, declared, serverVersionOf(plan), at, issues);
    const timing = checkRepetition(fault, action, at, issues);
    const phase = (fault.phase === undefined ? D.fault.phase : valid(C.phase, fault.phase) ? fault.phase : undefined) as
      | FaultPhase
      | undefined;
    const timed: TimedFault | undefined = timing &&
      phase && { index, phase, timing, hasAt: fault.at !== undefined, hasPhase: fault.phase !== undefined };
    const onTime = timed !== undefined && phases !== undefined && checkFaultTimes(timed, phases, issues);
    if (action !== 'scale') return;
    const delta = valid(scaleSpec.params.delta.schema, fault.delta) ? (fault.delta as number) : undefined;
    if (onTime && timed && target && delta !== undefined) scales.push({ ...timed, target, delta });
    else scalesComplete = false;
  });
  // One broken scale fault would make every later count wrong: judge the balance only when all are whole.
  if (scalesComplete && scales.length > 0 && universe.fleets && phases && seed !== undefined) {
    checkScaleBalance(scales, universe.fleets, phases, seed, issues);
  }
}
