/**
 * The smoke plan on the containers provider under Podman (or Docker where it runs): the same
 * plan as on local JVMs passes with zero loss, and no container or network of the run is
 * left afterwards. Images come from `rmq-chaos setup --images` (built once, minutes; cached
 * by the runtime after that). Skipped, saying why, only where no container runtime exists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';
import { runCli } from '../support/run-cli.ts';

const hasPodman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
const hasDocker = existsSync('/var/run/docker.sock');
const skipReason = hasPodman || hasDocker ? undefined : 'no container runtime here (apt-get install -y podman runc, or Docker); provider containers not tested';
if (skipReason) console.log(`containers provider test skipped: ${skipReason}`);

const cli = hasPodman && !hasDocker ? 'podman' : 'docker';
const leftovers = (): string[] =>
  (spawnSync(cli, ['ps', '-a', '--filter', 'label=rmq-chaos.run', '--format', '{{.Names}}'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);

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

  it('runs smoke with zero loss and removes its containers', async () => {
    const started = Date.now();
    const run = await runCli('smoke', ['cluster.provider=containers', 'phases.warmup=3s', 'phases.load=8s']);
    const wallS = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`smoke on provider containers: exit ${run.code} in ${wallS}s`);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/plan smoke: PASS/);
    expect(run.output).toMatch(/cluster ready in [\d.]+s \((podman|docker)\)/);
    const group = run.summary!.groups.find((g) => g.scope === 'billing')!;
    expect(group.lost).toBe(0);
    expect(group.unique).toBe(run.summary!.producers.acked);
    expect(run.summary!.producers.acked).toBeGreaterThanOrEqual(790);
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  }, 300_000);
});
