/**
 * The `doctor --export` round trip on a group the harness did not make: a cluster, then a topic,
 * a consumer group of two instances (TagA, and TagA || TagB, the narrow one subscribing last) and
 * a producer made by hand with RocketMQ's own Java client (support/HandMade.java, Java 17
 * single-file launch). doctor finds the inconsistent subscription and exports a plan; the plan
 * validates, carries what doctor saw (the two expressions, the order, the rate), and a shortened
 * run of it on a fresh local cluster diagnoses the same group and topic.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/plan/load-plan.ts';
import { rocketmqPaths } from '../../src/setup/cache-dir.ts';
import { ROCKETMQ_VERSION } from '../../src/setup/versions.ts';
import { doctorCli } from '../support/cli.ts';
import { runCli } from '../support/run-cli.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const TOPIC = 'HandTags';
const GROUP = 'hand-made';
const PER_SECOND = 5;

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-export-'));
const exported = join(dir, 'exported.yaml');
let cluster: TestCluster | undefined;
let handMade: ChildProcess | undefined;

/** Starts HandMade.java against the cluster and waits for its "READY" (both consumers up, first sends done). */
function startHandMade(namesrv: string): Promise<ChildProcess> {
  const logs = join(dir, 'java');
  const child = spawn(
    'java',
    [
      '-Xmx128m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Drocketmq.client.logRoot=${logs}`,
      `-Drocketmq.log.root=${logs}`,
      '-Drocketmq.client.logUseSlf4j=false',
      `-Duser.home=${logs}`,
      '-cp',
      `${rocketmqPaths(ROCKETMQ_VERSION).lib}/*`,
      join(import.meta.dirname, 'support', 'HandMade.java'),
      namesrv,
      TOPIC,
      GROUP,
      String(PER_SECOND),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    // Not ready: it goes (afterAll only knows a child that got ready), and the test says why.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`HandMade.java not ready after 60 s:\n${output}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (/^READY$/m.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`HandMade.java exited ${code}:\n${output}`));
    });
  });
}

/** Closing its stdin ends it cleanly; a kill if it has not gone in 10 s. */
async function stopHandMade(): Promise<void> {
  const child = handMade;
  handMade = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Finding {
  id: string;
  group: string;
  evidence: { differences?: { topic: string }[]; brokerFilters?: Record<string, Record<string, string>> };
}

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1, topics: [] });
  handMade = await startHandMade(cluster.namesrvAddr);
}, 180_000);

afterAll(async () => {
  await stopHandMade();
  await cluster?.[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
});

describe('doctor --export round trip on a group made with RocketMQ’s own Java client', () => {
  let doctorFinding: Finding | undefined;

  it('doctor names the inconsistency and exports a plan that validates and says what it saw', async () => {
    const result = await doctorCli('--namesrv', cluster!.namesrvAddr, '--window', '4s', '--json', '--export', exported);
    expect(result.code, result.stderr).toBe(99);
    expect(result.stderr).toContain(`doctor: wrote ${exported}`);
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    doctorFinding = findings.find((f) => f.id === 'inconsistent-subscription');
    expect(doctorFinding, result.stdout).toMatchObject({ group: GROUP });

    const text = readFileSync(exported, 'utf8');
    expect(text).toContain(`# Exported by \`rmq-chaos doctor --export\` from the cluster at ${cluster!.namesrvAddr}`);
    // The narrow instance subscribed last, so the broker filters with TagA: the header says so.
    expect(text).toContain(`the brokers filter with ${TOPIC}: "TagA"`);
    const plan = await loadPlanFile(exported);
    expect(plan.topics).toEqual([expect.objectContaining({ name: TOPIC, queues: 4 })]);
    const [fleet] = plan.fleets.consumers;
    expect(fleet).toMatchObject({ group: GROUP, instances: 2, model: 'clustering' });
    // Client-id order: 192.x@hand-made-narrow before 192.x@hand-made-wide.
    expect(fleet!.perInstance.map((i) => i.subscriptions.map((s) => `${s.topic}: ${s.expression}`))).toEqual([
      [`${TOPIC}: TagA`],
      [`${TOPIC}: TagA || TagB`],
    ]);
    expect(plan.faults.map((f) => [f.action, f.occurrences[0]!.targets])).toEqual([['restart', [`${fleet!.name}#0`]]]);
    const [producer] = plan.fleets.producers;
    expect(producer!.topic).toBe(TOPIC);
    expect(producer!.ratePerSecond).toBeGreaterThanOrEqual(PER_SECOND - 2);
    expect(producer!.ratePerSecond).toBeLessThanOrEqual(PER_SECOND + 2);
    expect(plan.expect.diagnoses).toEqual([{ id: 'inconsistent-subscription', group: GROUP }]);
  }, 60_000);

  it('the exported plan, run on a fresh local cluster, diagnoses the same group and topic', async () => {
    expect(doctorFinding).toBeDefined();
    // One cluster at a time on two cores: the hand-made one has served its purpose.
    await stopHandMade();
    await cluster?.[Symbol.asyncDispose]();
    cluster = undefined;

    // The restart at the start of load takes a few seconds; the diagnosis must then hold for 8 s.
    const run = await runCli(exported, ['phases.warmup=3s', 'phases.load=15s', 'phases.drain=3s']);
    expect(run.code, run.output).toBe(0);
    const replayed = run.summary!.diagnoses.find((d) => d.id === 'inconsistent-subscription') as Finding | undefined;
    expect(replayed, run.output).toMatchObject({ group: GROUP });
    const topics = (f: Finding) => (f.evidence.differences ?? []).map((d) => d.topic);
    expect(topics(replayed!)).toEqual(topics(doctorFinding!));
    expect(topics(replayed!)).toEqual([TOPIC]);
    // The narrow instance subscribed last there and here: both brokers (broker-a) filter with TagA,
    // so every TagB message was lost, and nothing else.
    expect(doctorFinding!.evidence.brokerFilters).toEqual({ 'broker-a': { [TOPIC]: 'TagA' } });
    expect(replayed!.evidence.brokerFilters, run.output).toEqual(doctorFinding!.evidence.brokerFilters);
    expect(run.summary!.totals.lost, run.output).toBeGreaterThan(0);
    const lostByTag = run.summary!.groups[0]!.breakdown.byTag.filter((t) => t.lost > 0).map((t) => t.key);
    expect(lostByTag, run.output).toEqual(['TagB']);
  }, 120_000);
});
