/**
 * provider external without a cluster: what it refuses (node and network faults, settings of a
 * cluster rmq-chaos would start, `cluster up`) is exit 2 before anything starts, and a name
 * server that does not answer is exit 1 with a hint naming the address.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-external-'));
const reports = join(dir, 'reports');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, RMQ_CHAOS_REPORTS: reports },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const EXTERNAL = ['--set', 'cluster.provider=external', '--set', 'cluster.namesrvAddr=127.0.0.1:9'];

/** A port nothing listens on: bound, then closed again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('provider external', () => {
  it('makes a node fault a plan error (exit 2) that says why, and starts nothing', () => {
    const file = join(dir, 'node-fault.yaml');
    writeFileSync(
      file,
      [
        'description: "kill a broker of someone else\'s cluster"',
        'cluster: {provider: external, namesrvAddr: "127.0.0.1:9876"}',
        'topics: [{name: t}]',
        'fleets:',
        '  consumers: [{name: c, subscription: {t: "*"}}]',
        'phases: {load: 5s}',
        'faults:',
        '  - {action: kill, target: broker-a, at: 1s}',
        '  - {action: network.down, target: consumers->broker-a, duration: 1s}',
        '  - {action: kill, target: c#0, at: 2s}',
        '',
      ].join('\n'),
    );
    const run = cli('run', file, '--reports', reports);
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'faults[0].target: "broker-a" is a node, and provider external has no node faults: an external cluster ' +
        `is not ours to break (rmq-chaos does not run its processes) (${file}:8:28)`,
    );
    expect(run.err).toContain(`faults[1].action: network.down needs Toxiproxy between the clients and the cluster`);
    expect(run.err).not.toMatch(/c#0/);
    expect(run.err).not.toMatch(/starting|not started or stopped by rmq-chaos/);
  });

  it('names the settings of a cluster rmq-chaos would start when a plan is switched to external with --set', () => {
    const file = join(dir, 'local.yaml');
    writeFileSync(
      file,
      'description: "local"\ncluster: {brokers: 2, heap: 512MiB}\ntopics: [{name: t}]\nphases: {load: 5s}\n',
    );
    const run = cli('run', file, ...EXTERNAL, '--reports', reports);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      // line-length: a regular expression literal cannot be cut, and the message it matches is this long
      /cluster\.brokers: brokers describes a cluster rmq-chaos would start; provider external uses the cluster at namesrvAddr as it is: remove brokers/,
    );
    expect(run.err).toMatch(/cluster\.heap: heap describes a cluster rmq-chaos would start/);
  });

  it('exits 1 with a hint naming the address when the name server does not answer', async () => {
    const addr = `127.0.0.1:${await freePort()}`;
    const run = cli(
      'run',
      'smoke',
      '--set',
      'cluster.provider=external',
      '--set',
      `cluster.namesrvAddr=${addr}`,
      '--set',
      'phases.load=1s',
      '--reports',
      reports,
    );
    expect(run.code, run.err).toBe(1);
    expect(run.err).toContain(`the name server at ${addr} (cluster.namesrvAddr) did not answer`);
    expect(run.err).toContain(`fix: check that a RocketMQ name server listens at ${addr}`);
  });

  it('refuses `cluster up` (exit 2): the cluster is already running', () => {
    const up = cli('cluster', 'up', 'smoke', ...EXTERNAL);
    expect(up.code).toBe(2);
    expect(up.err).toMatch(
      /cluster up starts a cluster, and provider external names one that is already running \(127\.0\.0\.1:9\)/,
    );
    expect(readdirSync(dir)).not.toContain('nodes');
  });
});
