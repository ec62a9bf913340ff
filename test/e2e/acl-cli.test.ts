/**
 * The CLI around ACL plans, without a cluster: `validate` warns of a literal secret at its line
 * and never prints it, and `cluster up` refuses an ACL plan (exit 2) before starting anything.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-acl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('ACL plans on the command line', () => {
  it('validate warns of a literal secret, at its line, without printing it', () => {
    const plan = join(dir, 'literal.yaml');
    writeFileSync(
      plan,
      [
        'description: a literal secret',
        'cluster:',
        '  acl:',
        '    users:',
        '      - {name: app, secret: hunter2-typed-in, allow: [{resource: "Topic:t", actions: [Pub]}]}',
        'topics: [{name: t}]',
        'phases: {load: 5s}',
        '',
      ].join('\n'),
    );
    const run = cli('validate', plan, '--set', 'cluster.acl.users[0].secret=another-typed-one');
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`warning: cluster.acl.users[0].secret: a literal secret in the plan`);
    expect(run.out).not.toContain('hunter2-typed-in');
    expect(run.out).not.toContain('another-typed-one');
  });

  it('cluster up refuses an ACL plan before starting anything', () => {
    const run = cli('cluster', 'up', 'acl');
    expect(run.code, run.out).toBe(2);
    expect(run.out).toMatch(/cluster up does not start clusters with cluster\.acl/);
    expect(run.out).not.toMatch(/starting on/);
  });
});
