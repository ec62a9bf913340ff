/**
 * `rmq-chaos doctor`: the diagnoses a run makes, against any running cluster, read-only. It
 * takes snapshots of the consumer groups (connection lists, running info, consume stats,
 * routes) for a short window and names what is wrong, with evidence and a remedy. No load, no
 * faults, nothing written to the cluster.
 */
import type { Command } from 'commander';
import {
  DEFAULT_DIAGNOSIS_OPTIONS,
  DIAGNOSIS_RULES,
  diagnose,
  type EvidenceValue,
  type Finding,
} from '../../checks/diagnoses/index.ts';
import { RemotingAdmin, subscriptionMap, type SubscriptionMap } from '../../protocol/index.ts';
import { collectSnapshot, messageOf } from '../../observe/collect-snapshot.ts';
import { discoverGroups } from '../../observe/discover-groups.ts';
import type { ClusterSnapshot, GroupSnapshot } from '../../observe/snapshot.ts';
import { formatDuration } from '../../plan/units.ts';
import { durationOption } from '../duration-option.ts';
import { exportTarget, writeExportedPlan } from './doctor-export.ts';
import { sleep } from '../../util/sleep.ts';
import { EnvironmentError, ExitCode, UsageError } from '../../util/errors.ts';

/** Snapshots are about this far apart. */
export const SNAPSHOT_INTERVAL_MS = 3000;
export const DEFAULT_WINDOW = '10s';

interface DoctorOptions {
  namesrv?: string;
  proxy?: string[];
  group?: string[];
  window: string;
  json?: boolean;
  export?: string;
}

export interface DoctorGroup {
  group: string;
  messageModel?: string;
  /** `pop`: consumed by gRPC clients through a proxy (they were found on `proxies`). */
  consumption?: 'pop';
  clients: {
    clientId: string;
    addr: string;
    brokers: string[];
    proxies?: string[];
    subscriptions?: SubscriptionMap;
    runningInfoError?: string;
  }[];
  /** Set when no broker lists a consumer of the group. */
  note?: string;
}

export interface DoctorReport {
  namesrv: string;
  /** The proxies' remoting addresses doctor asked (`--proxy`); absent: none. */
  proxies?: string[];
  /** First snapshot, epoch ms. */
  at: number;
  windowMs: number;
  snapshots: number;
  brokers: { name: string; addr: string }[];
  groups: DoctorGroup[];
  findings: Finding[];
  /** Requests that failed during the window, deduplicated, with how many snapshots saw each. */
  errors: string[];
  /** What `--export` turns into a plan: every snapshot, and each master's configuration when asked for. */
  observed: { snapshots: ClusterSnapshot[]; brokerConfigs: { broker: string; config: Record<string, string> }[] };
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'inspect the consumer groups of a running cluster and name what is wrong (read-only: no load, no faults)',
    )
    .option('--namesrv <host:port>', 'name server address (several: a;b)')
    .option(
      '--proxy <host:port>',
      "a proxy's remoting address (repeatable; default port 8080): where gRPC consumer groups are seen, as " +
        'no broker lists their clients',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--group <group>',
      'consumer group to inspect (repeatable; default: every group with an online consumer)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--window <duration>', 'how long to watch; a snapshot about every 3 s (0s: one snapshot)', DEFAULT_WINDOW)
    .option('--json', 'print the findings as JSON on stdout')
    .option(
      '--export <plan.yaml>',
      'also write a runnable plan that replays what doctor saw (topics, groups and their subscriptions, rates, ' +
        'broker settings) on a local cluster; nothing is written unless everything was read',
    )
    .addHelpText(
      'after',
      `
Diagnoses:
${DIAGNOSIS_RULES.filter((r) => !r.needsRun)
  .map((r) => `  ${r.id.padEnd(26)} ${r.description}`)
  .join('\n')}

Exit codes: 0 no findings, 99 findings, 2 usage, 1 cluster unreachable.
`,
    )
    .action(async (options: DoctorOptions) => {
      const namesrv = parseNamesrv(options.namesrv);
      const proxies = parseProxies(options.proxy ?? []);
      const windowMs = parseWindow(options.window);
      const exportTo = options.export === undefined ? undefined : await exportTarget(options.export);
      const progress = (line: string) => process.stderr.write(`${line}\n`);
      const report = await runDoctor(namesrv, options.group ?? [], windowMs, progress, {
        brokerConfigs: exportTo !== undefined,
        proxies,
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(doctorJson(report), null, 2)}\n` : `${formatDoctorReport(report)}\n`,
      );
      if (exportTo !== undefined) {
        await writeExportedPlan(exportTo, report);
        progress(`doctor: wrote ${exportTo} (run it: npm run plan ${exportTo})`);
      }
      process.exitCode = report.findings.length > 0 ? ExitCode.checksFailed : ExitCode.ok;
    });
}

const HOST_PORT = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/** `host:port`, or several separated by `;` as RocketMQ clients take them. */
export function parseNamesrv(value: string | undefined): string {
  if (value === undefined || value.trim() === '')
    throw new UsageError('doctor needs --namesrv host:port', 'e.g. rmq-chaos doctor --namesrv 127.0.0.1:9876');
  const addrs = value
    .split(';')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const addr of addrs) {
    const m = HOST_PORT.exec(addr);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) {
      throw new UsageError(
        `--namesrv: expected host:port (several separated by ;), got ${JSON.stringify(value)}`,
        'e.g. --namesrv 127.0.0.1:9876',
      );
    }
  }
  if (addrs.length === 0)
    throw new UsageError(
      `--namesrv: expected host:port, got ${JSON.stringify(value)}`,
      'e.g. --namesrv 127.0.0.1:9876',
    );
  return addrs.join(';');
}

/** `--proxy host:port`, each: a RocketMQ proxy's remoting port (8080 unless its config says otherwise). */
export function parseProxies(values: readonly string[]): string[] {
  for (const value of values) {
    const m = HOST_PORT.exec(value.trim());
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535)
      throw new UsageError(
        `--proxy: expected host:port, got ${JSON.stringify(value)}`,
        "e.g. --proxy 127.0.0.1:8080 (the proxy's remoting port, remotingListenPort)",
      );
  }
  return [...new Set(values.map((v) => v.trim()))];
}

export function parseWindow(value: string): number {
  return durationOption('--window', value, 'e.g. --window 10s, or --window 0s for one snapshot');
}

/** One snapshot for a zero window; else one every ~3 s, the first at 0 and the last at the window's end. */
export function snapshotSchedule(
  windowMs: number,
  intervalMs = SNAPSHOT_INTERVAL_MS,
): { count: number; intervalMs: number } {
  if (windowMs <= 0) return { count: 1, intervalMs: 0 };
  const count = Math.ceil(windowMs / intervalMs) + 1;
  return { count, intervalMs: windowMs / (count - 1) };
}

/**
 * A condition must persist for the whole window (up to the run default), and backlog must grow
 * over all of it (up to its default), so that what doctor reports held through what it watched.
 */
export function diagnosisOptionsFor(windowMs: number): { persistMs: number; growthSpanMs: number } {
  return {
    persistMs: Math.min(DEFAULT_DIAGNOSIS_OPTIONS.persistMs, windowMs),
    growthSpanMs: Math.min(DEFAULT_DIAGNOSIS_OPTIONS.growthSpanMs, windowMs),
  };
}

export async function runDoctor(
  namesrv: string,
  requested: readonly string[],
  windowMs: number,
  progress: (line: string) => void,
  options: { brokerConfigs?: boolean; proxies?: readonly string[] } = {},
): Promise<DoctorReport> {
  const proxies = [...(options.proxies ?? [])];
  const admin = RemotingAdmin.create({
    namesrvAddr: namesrv,
    instanceName: `rmq-chaos-doctor-${process.pid}`,
    requestTimeoutMs: 5000,
  });
  try {
    let masters: { brokerName: string; addr: string }[];
    try {
      masters = await admin.masterAddrs();
    } catch (error) {
      throw new EnvironmentError(
        'namesrv-unreachable',
        `cannot reach the name server at ${namesrv}: ${messageOf(error)}`,
        'check --namesrv: host:port of a running RocketMQ name server (default port 9876)',
        { cause: error },
      );
    }
    if (masters.length === 0)
      throw new EnvironmentError(
        'no-brokers',
        `the name server at ${namesrv} lists no master broker`,
        'start a broker, or check that it registers with this name server',
      );

    const errorCounts = new Map<string, number>();
    const countErrors = (errors: readonly string[]) => {
      for (const e of errors) errorCounts.set(e, (errorCounts.get(e) ?? 0) + 1);
    };
    let groups = [...new Set(requested)];
    if (groups.length === 0) {
      progress('doctor: looking for consumer groups with online consumers');
      const discovered = await discoverGroups(admin, { proxies });
      countErrors(discovered.errors);
      groups = discovered.groups;
      const named = groups.map((g) => (discovered.pop.includes(g) ? `${g} (pop, through a proxy)` : g));
      progress(`doctor: ${groups.length === 0 ? 'no group has an online consumer' : `found ${named.join(', ')}`}`);
    }

    const schedule = snapshotSchedule(windowMs);
    const snapshots: ClusterSnapshot[] = [];
    if (groups.length > 0) {
      for (let i = 0; i < schedule.count; i++) {
        if (i > 0) await sleepUntil(snapshots[0]!.at + i * schedule.intervalMs);
        const snapshot = await collectSnapshot(admin, groups, { proxies });
        snapshots.push(snapshot);
        countErrors(snapshot.errors);
        progress(
          `doctor: snapshot ${i + 1}/${schedule.count}: ` +
            `${snapshot.groups.map((g) => `${g.group} ${plural(g.clients.length, 'client')}`).join(', ')}` +
            `${snapshot.errors.length > 0 ? ` (${plural(snapshot.errors.length, 'request')} failed)` : ''}`,
        );
      }
      if (snapshots.every((s) => s.groups.every((g) => g.brokers.every((b) => b.error !== undefined)))) {
        throw new EnvironmentError(
          'brokers-unreachable',
          `no broker answered: ${[...errorCounts.keys()][0] ?? 'unknown error'}`,
          'check that the brokers the name server lists are reachable from here',
        );
      }
    }

    const last = snapshots[snapshots.length - 1];
    const lonely = last
      ? last.groups.filter((g) =>
          snapshots.every((s) => (s.groups.find((x) => x.group === g.group)?.clients.length ?? 0) === 0),
        )
      : [];
    const known = lonely.length > 0 ? await knownGroups(admin, masters) : undefined;
    const findings =
      snapshots.length > 0 ? diagnose({ snapshots }, { ...diagnosisOptionsFor(windowMs), skipRunRules: true }) : [];
    const brokerConfigs = options.brokerConfigs ? await readBrokerConfigs(admin, masters, countErrors) : [];
    return {
      namesrv,
      ...(proxies.length > 0 ? { proxies } : {}),
      at: snapshots[0]?.at ?? Date.now(),
      windowMs,
      snapshots: snapshots.length,
      brokers: last?.brokers ?? masters.map((m) => ({ name: m.brokerName, addr: m.addr })),
      groups: (last?.groups ?? []).map((g) =>
        doctorGroup(g, lonely.includes(g) ? noteFor(g, known, proxies.length > 0) : undefined),
      ),
      findings,
      errors: [...errorCounts].map(([e, n]) => (snapshots.length > 1 && n > 1 ? `${e} (${n} times)` : e)),
      observed: { snapshots, brokerConfigs },
    };
  } finally {
    await admin.close();
  }
}

async function sleepUntil(target: number): Promise<void> {
  // Date.now() and timers use different clocks; wait until the wall clock is there too.
  while (Date.now() < target) await sleep(target - Date.now());
}

/** GET_BROKER_CONFIG of every master; one that fails is an error of the report (and so no export). */
async function readBrokerConfigs(
  admin: RemotingAdmin,
  masters: readonly { brokerName: string; addr: string }[],
  countErrors: (errors: readonly string[]) => void,
): Promise<{ broker: string; config: Record<string, string> }[]> {
  const answers = await Promise.all(
    masters.map(async (m) => {
      try {
        return { broker: m.brokerName, config: await admin.brokerConfig(m.addr) };
      } catch (error) {
        countErrors([`${m.brokerName} broker config: ${messageOf(error)}`]);
        return undefined;
      }
    }),
  );
  return answers.filter((a) => a !== undefined);
}

async function knownGroups(
  admin: RemotingAdmin,
  masters: readonly { addr: string }[],
): Promise<Set<string> | undefined> {
  const answers = await Promise.all(masters.map((m) => admin.allSubscriptionGroups(m.addr).catch(() => undefined)));
  return answers.some((a) => a !== undefined) ? new Set(answers.flatMap((a) => a ?? [])) : undefined;
}

function noteFor(group: GroupSnapshot, known: Set<string> | undefined, proxies: boolean): string {
  if (known && !known.has(group.group)) return 'no such consumer group on any broker';
  // gRPC clients register with the proxy only; the brokers know the group from its pops.
  if (!proxies) return 'no consumer of this group is online on any broker (gRPC consumers: give --proxy)';
  return 'no consumer of this group is online on any broker or proxy';
}

function doctorGroup(g: GroupSnapshot, note: string | undefined): DoctorGroup {
  return {
    group: g.group,
    ...(g.messageModel ? { messageModel: g.messageModel } : {}),
    ...(g.pop ? { consumption: 'pop' as const } : {}),
    clients: g.clients.map((c) => ({
      clientId: c.clientId,
      addr: c.addr,
      brokers: c.brokers,
      ...(c.proxies ? { proxies: c.proxies } : {}),
      ...(c.subscriptions ? { subscriptions: subscriptionMap(c.subscriptions) } : {}),
      ...(c.runningInfoError ? { runningInfoError: c.runningInfoError } : {}),
    })),
    ...(note ? { note } : {}),
  };
}

export function doctorJson(report: DoctorReport) {
  return {
    schema: 'rmq-chaos/doctor',
    schemaVersion: 1,
    namesrv: report.namesrv,
    ...(report.proxies ? { proxies: report.proxies } : {}),
    at: new Date(report.at).toISOString(),
    windowMs: report.windowMs,
    snapshots: report.snapshots,
    brokers: report.brokers,
    groups: report.groups,
    findings: report.findings,
    errors: report.errors,
  } as const;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`namesrv  ${report.namesrv}`);
  lines.push(`brokers  ${report.brokers.map((b) => `${b.name} (${b.addr})`).join(', ')}`);
  if (report.proxies) lines.push(`proxies  ${report.proxies.join(', ')}`);
  if (report.groups.length === 0)
    lines.push(
      `groups   none with an online consumer${
        report.proxies ? '' : ' (gRPC consumers register with a proxy only: give --proxy host:port)'
      }`,
    );
  report.groups.forEach((g, i) => {
    const what =
      g.note ??
      `${plural(g.clients.length, 'client')}${g.messageModel ? `, ${g.messageModel.toLowerCase()}` : ''}` +
        `${g.consumption === 'pop' ? ', pop through a proxy (gRPC)' : ''}`;
    lines.push(`${i === 0 ? 'groups  ' : '        '} ${g.group}: ${what}`);
  });
  lines.push(`window   ${formatDuration(report.windowMs)} (${plural(report.snapshots, 'snapshot')})`);
  for (const f of report.findings) {
    lines.push('', `${f.severity.toUpperCase()} ${f.id}  group ${f.group}`);
    lines.push(`  ${f.summary}`);
    lines.push(`  seen ${clock(f.firstSeenAt)}–${clock(f.lastSeenAt)} UTC`);
    lines.push('  evidence:', ...formatEvidence(f.evidence, 4));
    lines.push(`  remedy: ${f.remedy}`);
  }
  if (report.errors.length > 0) {
    lines.push(
      '',
      `partial data: ${plural(report.errors.length, 'request')} failed`,
      ...report.errors.map((e) => `  ${e}`),
    );
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('no problems found');
  } else {
    const critical = report.findings.filter((f) => f.severity === 'critical').length;
    const warnings = report.findings.length - critical;
    const parts = [critical > 0 ? `${critical} critical` : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(
      Boolean,
    );
    lines.push(
      `${report.findings.length === 1 ? '1 problem' : `${report.findings.length} problems`} found (` +
        `${parts.join(', ')})`,
    );
  }
  return lines.join('\n');
}

function scalar(value: EvidenceValue): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isScalar(value: EvidenceValue): boolean {
  return value === null || typeof value !== 'object';
}

function isFlat(value: EvidenceValue): boolean {
  return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
}

function flat(value: EvidenceValue): string {
  return Array.isArray(value) ? (value.length === 0 ? '(none)' : value.map(scalar).join(', ')) : scalar(value);
}

/**
 * Evidence as indented `key: value` lines, YAML-like: nested objects indent further; a list
 * item whose fields are all plain goes on one line (`- queue: T@b/0, lag: 12`).
 */
export function formatEvidence(evidence: { [key: string]: EvidenceValue }, indent = 0): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (isFlat(value)) {
      lines.push(`${pad}${key}: ${flat(value)}`);
    } else if (Array.isArray(value)) {
      lines.push(`${pad}${key}:`);
      for (const item of value) {
        if (isFlat(item)) lines.push(`${pad}  - ${flat(item)}`);
        else if (item === null || typeof item !== 'object' || Array.isArray(item))
          lines.push(`${pad}  - ${JSON.stringify(item)}`);
        else if (Object.values(item).every(isFlat))
          lines.push(
            `${pad}  - ${Object.entries(item)
              .map(([k, v]) => `${k}: ${flat(v)}`)
              .join(', ')}`,
          );
        else {
          const block = formatEvidence(item, indent + 4);
          lines.push(`${pad}  - ${block[0]!.trimStart()}`, ...block.slice(1));
        }
      }
    } else if (value === null || typeof value !== 'object') {
      lines.push(`${pad}${key}: ${scalar(value)}`);
    } else if (Object.keys(value).length === 0) {
      lines.push(`${pad}${key}: (none)`);
    } else {
      lines.push(`${pad}${key}:`, ...formatEvidence(value, indent + 2));
    }
  }
  return lines;
}
