/**
 * cluster.acl as the loader resolves it: each secret form read from where it says (an
 * environment variable, a file beside the plan, drawn, a literal with a warning at its line),
 * never printed through the resolved plan, and the run's copy of the plan without a literal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { redactSecretSet, secretEnvName } from '../../../src/plan/plan-secrets.ts';
import { layoutFleets } from '../../../src/run/fleet-layout.ts';
import { PLAN_COPY_FILE, writePlanCopy } from '../../../src/run/plan-copy.ts';

const ENV = 'RMQ_CHAOS_UNIT_ACL_SECRET';

function user(secret: string, i: number): string {
  const allow = 'allow: [{resource: "Topic:t", actions: [Pub, Sub]}]';
  return `      - name: user-${i}\n        secret: ${secret}\n        ${allow}`;
}

function plan(secrets: string[]): string {
  return `description: acl
cluster:
  acl:
    users:
${secrets.map(user).join('\n')}
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: 1/s, credentials: user-0}]
  consumers: [{name: c, subscription: {t: "*"}, credentials: user-1}]
phases: {load: 5s}
`;
}

afterEach(() => {
  delete process.env[ENV];
});

describe('cluster.acl secrets', () => {
  it('reads env:, file: (beside the plan), generated and a literal; none of them prints', () => {
    process.env[ENV] = 'from-the-environment';
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-acl-'));
    writeFileSync(join(dir, 'user.secret'), 'from-a-file\n');
    const resolved = loadPlanText(
      plan([`env:${ENV}`, 'file:user.secret', 'generated', 'a-literal-one']),
      join(dir, 'plan.yaml'),
    );
    const users = resolved.cluster.acl!.users;
    expect(users.map((u) => u.source.from)).toEqual(['env', 'file', 'generated', 'literal']);
    expect(users.map((u) => u.secret.reveal()).slice(0, 2)).toEqual(['from-the-environment', 'from-a-file']);
    expect(users[2]!.secret.reveal()).toMatch(/^[\w-]{32}$/);
    expect(users[3]!.secret.reveal()).toBe('a-literal-one');
    const printed = `${JSON.stringify(resolved)}\n${inspect(resolved, { depth: 10 })}`;
    for (const u of users) expect(printed).not.toContain(u.secret.reveal());
    // The literal draws one warning, at its own line and column.
    expect(resolved.source.warnings).toEqual([
      expect.objectContaining({ path: 'cluster.acl.users[3].secret', line: 15, column: 17 }),
    ]);
  });

  it('draws a new generated secret for every load (every run)', () => {
    const a = loadPlanText(plan(['generated', 'generated']), 'p.yaml').cluster.acl!.users;
    const b = loadPlanText(plan(['generated', 'generated']), 'p.yaml').cluster.acl!.users;
    expect(new Set([a[0], a[1], b[0], b[1]].map((u) => u!.secret.reveal())).size).toBe(4);
  });

  it('refuses an unset variable and a missing file at their lines, without the other secrets', () => {
    const load = () => loadPlanText(plan([`env:${ENV}`, 'file:nope.secret']), '/tmp/p.yaml');
    expect(load).toThrow(
      /users\[0\]\.secret: the environment variable RMQ_CHAOS_UNIT_ACL_SECRET is not set.*p\.yaml:6:17/,
    );
    expect(load).toThrow(/users\[1\]\.secret: the secret file \/tmp\/nope\.secret cannot be read \(ENOENT\)/);
  });

  it("hands each fleet's workers its user's keys", () => {
    process.env[ENV] = 'producer-key';
    const resolved = loadPlanText(plan([`env:${ENV}`, 'generated']), 'p.yaml');
    const layout = layoutFleets(resolved, 'run', { namesrvAddr: '127.0.0.1:9876' });
    expect(layout.producers[0]!.credentials).toEqual({ accessKey: 'user-0', secretKey: 'producer-key' });
    expect(layout.consumers[0]!.credentials).toEqual({
      accessKey: 'user-1',
      secretKey: resolved.cluster.acl!.users[1]!.secret.reveal(),
    });
  });
});

describe("the run's plan.yaml", () => {
  it('names a variable instead of a literal secret, and hides a secret given with --set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-acl-copy-'));
    const resolved = loadPlanText(plan(['generated', 'generated']), 'plans/acl.yaml', [
      'cluster.acl.users[1].secret=typed-on-the-command-line',
    ]);
    expect(JSON.stringify(resolved)).not.toContain('typed-on-the-command-line');
    expect(writePlanCopy(resolved, dir)).toBe(true);
    const copy = readFileSync(join(dir, PLAN_COPY_FILE), 'utf8');
    expect(copy).not.toContain('typed-on-the-command-line');
    expect(copy.split('\n')[0]).toContain('--set cluster.acl.users[1].secret=[redacted]');
    expect(copy).toContain(`secret: env:${secretEnvName('user-1')}`);
    expect(secretEnvName('user-1')).toBe('RMQ_CHAOS_SECRET_USER_1');
    // Run again, it asks for that variable.
    process.env[ENV] = 'x';
    expect(() => loadPlanText(copy, PLAN_COPY_FILE)).toThrow(/RMQ_CHAOS_SECRET_USER_1 is not set/);
  });
});

describe('a --set shown back (plan.yaml, matrix pages and matrix.json, the matrix log)', () => {
  it('keeps the key of a secret and hides its value; any other --set is shown as given', () => {
    expect(redactSecretSet('cluster.acl.users[0].secret=s3cr3t=x')).toBe('cluster.acl.users[0].secret=[redacted]');
    expect(redactSecretSet('cluster.acl.users[1].Secret = env:X')).toBe('cluster.acl.users[1].Secret =[redacted]');
    expect(redactSecretSet('phases.load=5s')).toBe('phases.load=5s');
    // The key decides, not the value.
    expect(redactSecretSet('description=my secret plan')).toBe('description=my secret plan');
  });
});
