/**
 * The smoke plan on the containers provider under Podman (or Docker where it runs): the same
 * plan as on local JVMs passes with zero loss, on the default server version and on 4.9.7
 * (`cluster.version`), and no container or network of the run is left afterwards. Images come
 * from `rmq-chaos setup --images` (built once, minutes; cached by the runtime after that); the
 * 4.9.7 one is built by the run itself when missing, in seconds. Without a container runtime it
 * skips, in one line of the test output that says what is missing and how to get it.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_SOCKET, pings } from '../../src/cluster/containers/runtime.ts';
import { BIN } from '../support/cli.ts';
import { type CliRun, runCli, writePlan } from '../support/run-cli.ts';

const onPath = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const hasPodman = onPath('podman');
// A daemon that answers, not a socket file or a CLI: a stale socket or a docker CLI without its
// daemon cannot run a container, and the test would fail in setup instead of skipping.
const dockerHost = process.env.DOCKER_HOST;
const dockerSocket = dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : DOCKER_SOCKET;
const hasDocker = await pings(dockerSocket);
const skipReason =
  hasPodman || hasDocker
    ? undefined
    : onPath('docker')
      ? `skipped: docker is on PATH but no daemon answers at ${dockerSocket}, and podman is not installed; ` +
        `install podman (apt-get install -y podman runc) or start Docker to run the containers provider's tests`
      : 'skipped: no container runtime (podman or docker) on PATH; install podman (apt-get install -y podman ' +
        "runc) to run the containers provider's tests";

const cli = hasPodman && !hasDocker ? 'podman' : 'docker';
const leftovers = (): string[] =>
  (
    spawnSync(cli, ['ps', '-a', '--filter', 'label=rmq-chaos.run', '--format', '{{.Names}}'], { encoding: 'utf8' })
      .stdout ?? ''
  )
    .split('\n')
    .filter(Boolean);

// The reason as a skipped test's note: vitest prints it on the test's line, even in the full suite's output.
if (skipReason !== undefined) it('provider containers', (ctx) => ctx.skip(skipReason));

/**
 * The run says which runtime, version and images it used: the official image, or where it
 * cannot be pulled (here) the local build of the cached jars, saying why.
 */
function expectImage(run: CliRun, version: string): void {
  const v = version.replaceAll('.', '\\.');
  expect(run.output).toMatch(new RegExp(`cluster ready in [\\d.]+s \\((podman|docker); RocketMQ ${v}; images `));
  expect(run.summary!.run.rocketmqVersion).toBe(version);
  const images = run.summary!.cluster.images!;
  expect(images.rocketmq).toMatch(
    new RegExp(`^(docker\\.io/apache/rocketmq:${v}|localhost/rmq-chaos/rocketmq:${v}-[0-9a-f]{8})$`),
  );
  if (images.rocketmq?.startsWith('localhost/'))
    expect(run.output).toMatch(
      new RegExp(`image docker\\.io/apache/rocketmq:${v}: cannot be pulled \\(.+\\); using the locally built`),
    );
}

describe.skipIf(skipReason !== undefined)('provider containers', () => {
  const before: string[] = [];
  beforeAll(() => {
    before.push(...leftovers());
    const setup = spawnSync(process.execPath, [BIN, 'setup', '--images'], { encoding: 'utf8', timeout: 20 * 60_000 });
    if (setup.status !== 0) throw new Error(`setup --images failed:\n${setup.stdout}\n${setup.stderr}`);
  }, 20 * 60_000);
  afterAll(() => {
    // Nothing of ours may be left, whatever the test's outcome.
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  });

  // A 4.x version in its own image (4.x exits without the logback files the local build adds);
  // the default version's image is checked by the faults test below.
  it('runs smoke on RocketMQ 4.9.7 (cluster.version) in its own image with zero loss ' +
    'and removes its containers', async () => {
    const started = Date.now();
    const run = await runCli('smoke', [
      'cluster.provider=containers',
      'cluster.version=4.9.7',
      'phases.warmup=3s',
      'phases.load=8s',
    ]);
    const wallS = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`smoke on provider containers, RocketMQ 4.9.7: exit ${run.code} in ${wallS}s`);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/plan smoke: PASS/);
    expectImage(run, '4.9.7');
    const group = run.summary!.groups.find((g) => g.scope === 'billing')!;
    expect(group.lost).toBe(0);
    expect(group.unique).toBe(run.summary!.producers.acked);
    expect(run.summary!.producers.acked).toBeGreaterThanOrEqual(790);
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  }, 300_000);

  it('maps node faults to the runtime (pause, hard restart) and ' +
    'network faults to the gateway, and nothing acked is lost', async () => {
    const plan = writePlan(
      'containers-faults',
      `description: "Node and network faults on provider containers."
cluster: {provider: containers}
topics: [{name: orders, queues: 4}]
fleets:
  producers: [{name: checkout, topic: orders, rate: 50/s}]
  consumers: [{name: billing, instances: 2, subscription: {orders: "*"}}]
phases: {warmup: 3s, load: 5s, chaos: 14s, heal: 2s, drain: 80s}
faults:
  - {action: network.down, target: consumers->broker-a, phase: chaos, at: 0s, duration: 3s}
  - {action: pause, target: broker-a, phase: chaos, at: 4s, duration: 2s}
  - {action: restart, target: broker-a, phase: chaos, at: 8s, hard: true, down: 1s}
`,
    );
    const run = await runCli(plan);
    expect(run.code, run.output).toBe(0);
    // The default images: the official ones, or the local build where they cannot be pulled.
    expectImage(run, '5.3.3');
    const faults = run.summary!.faults;
    expect(faults.map((f) => f.action)).toEqual(['network.down', 'pause', 'restart']);
    for (const f of faults)
      expect(f.observed?.endMs ?? 0, `${f.fault} ended`).toBeGreaterThan(f.observed?.beginMs ?? Infinity);
    expect(faults[0]!.observed!.detail).toBe('link consumers->broker-a down');
    expect(faults[1]!.observed!.detail).toMatch(/broker-a/);
    // A hard restart of a container: killed, started again, back when the name server lists it.
    expect(faults[2]!.observed!.detail).toMatch(/hard restart of node broker-a/);
    const group = run.summary!.groups.find((g) => g.scope === 'billing')!;
    expect(group.lost).toBe(0);
    // Sends that timed out while the broker was frozen or down may still have been stored: delivered, never acked.
    expect(group.unique).toBeGreaterThanOrEqual(run.summary!.producers.acked);
    expect(group.unexpected).toBe(0);
    expect(run.summary!.producers.acked).toBeGreaterThan(500);
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  }, 300_000);

  it('cluster up leaves the containers running after it exits; cluster down removes them', () => {
    const up = spawnSync(
      process.execPath,
      [
        BIN,
        'cluster',
        'up',
        'smoke',
        '--set',
        'cluster.provider=containers',
        '--set',
        'cluster.images.rocketmq=local',
        '--set',
        'cluster.images.toxiproxy=local',
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(up.status, `${up.stdout}\n${up.stderr}`).toBe(0);
    const id = /^cluster (\S+) is up$/m.exec(up.stdout)?.[1];
    expect(id, up.stdout).toBeDefined();
    const running = (
      spawnSync(cli, ['ps', '--filter', `label=rmq-chaos.run=${id}`, '--format', '{{.Names}}'], { encoding: 'utf8' })
        .stdout ?? ''
    )
      .split('\n')
      .filter(Boolean);
    expect(running.sort()).toEqual(
      ['broker-a', 'namesrv-0', 'toxiproxy'].map((node) => `rmq-chaos-${id!.toLowerCase()}-${node}`).sort(),
    );
    const status = spawnSync(process.execPath, [BIN, 'cluster', 'status'], { encoding: 'utf8' });
    expect(status.stdout).toContain(`${id}  cluster  up  containers labelled rmq-chaos.run=${id}`);
    const down = spawnSync(process.execPath, [BIN, 'cluster', 'down', id!], { encoding: 'utf8', timeout: 120_000 });
    expect(down.stdout).toContain(`cluster ${id} down (3 containers removed)`);
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  }, 240_000);
});
