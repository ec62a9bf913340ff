import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, RMQ_CHAOS_REPORTS: join(dir, 'reports') },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('rmq-chaos command line', () => {
  it('validates the shipped plans', () => {
    const { code, out } = cli('validate', 'smoke');
    expect(out).toMatch(/^ok\s+.*smoke\.yaml/m);
    expect(code).toBe(0);
  });

  it('exits 2 on an invalid plan, naming file:line:column, and starts nothing', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'description: broken\ntopics:\n  - name: t\n    queues: -1\nphases:\n  load: 5s\n');
    const validate = cli('validate', file);
    expect(validate.code).toBe(2);
    expect(validate.out).toContain(`topics[0].queues`);
    expect(validate.out).toContain(`${file}:4:13`);
    const run = cli('run', file);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${file}:4:13`);
    expect(run.err).not.toMatch(/starting|booted/);
  });

  it('exits 2 for a --set value that does not validate, pointing at the argument', () => {
    const { code, err } = cli('run', 'smoke', '--set', 'phases.load=soon');
    expect(code).toBe(2);
    expect(err).toMatch(/phases\.load: .*--set/);
  });

  it('refuses what a worker cannot do (orderly on gRPC) at validation, exit 2, before starting anything', () => {
    const file = join(dir, 'orderly-grpc.yaml');
    writeFileSync(
      file,
      'description: orderly over grpc\ncluster: {proxy: true}\ntopics: [{name: t}]\nfleets:\n  consumers: ' +
        '[{name: c, protocol: grpc, consume: orderly, subscription: {t: "*"}}]\nphases: {load: 5s}\n',
    );
    const run = cli('run', file);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      /fleets\.consumers\[0\]\.consume: consume orderly is not something driver node on protocol grpc/,
    );
    expect(run.err).not.toMatch(/starting/);
  });

  it('exits 2 for a --live value that is not a port, before starting anything', () => {
    const { code, err } = cli('run', 'smoke', '--live', 'soon');
    expect(code).toBe(2);
    expect(err).toContain('--live soon: not a port (1-65535)');
    expect(err).not.toMatch(/starting|live: http/);
  });

  it('exits 2 for a plan that does not exist and for an unknown command', () => {
    expect(cli('run', 'no-such-plan').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
  });

  it('prints help with exit codes', () => {
    const { code, out } = cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/Exit codes: 0 pass, 99 checks failed, 2 bad plan/);
  });

  it('lists plans with their descriptions', () => {
    const { code, out } = cli('list');
    expect(code).toBe(0);
    expect(out).toMatch(/^smoke\s+One name server, one broker/m);
  });
});
