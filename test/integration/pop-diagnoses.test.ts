/**
 * Diagnoses of a gRPC/pop consumer group on a real 5.3.3 cluster with a proxy (cluster mode):
 * the shipped plan pop-tag-drift, pointed at this test's cluster (provider external with the
 * proxy's gRPC and remoting addresses), expects inconsistent-subscription on billing and
 * passes; its evidence names both instances and expressions as the run gave them, the proxy's
 * table and the brokers' latest pop, and its claim (the TagB messages) explains every lost
 * one. While the run's consumers pop, `doctor --proxy` on the same cluster finds the group
 * through the proxy (no broker lists its clients), labels it pop, and names the disagreement
 * from the brokers' latest-pop expression going back and forth.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorReport, runDoctor } from '../../src/cli/commands/doctor.ts';
import { discoverGroups } from '../../src/observe/discover-groups.ts';
import { RemotingAdmin } from '../../src/protocol/index.ts';
import { runCli, writePlan } from '../support/run-cli.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ proxy: true, topics: [] });
}, 180_000);

afterAll(async () => {
  await cluster?.[Symbol.asyncDispose]();
});

/** The shipped plan, on this test's cluster instead of one of its own. */
function planOnThisCluster(): string {
  const shipped = readFileSync('plans/pop-tag-drift.yaml', 'utf8');
  const external =
    `cluster:\n  provider: external\n  namesrvAddr: "${cluster.namesrvAddr}"\n` +
    `  proxyAddr: "${cluster.endpoints.proxy!.grpc}"\n  proxyRemotingAddr: "${cluster.endpoints.proxy!.remoting}"\n`;
  const text = shipped.replace('cluster:\n  proxy: true\n', external);
  expect(text).not.toBe(shipped);
  return writePlan('pop-tag-drift', text);
}

describe('diagnoses of a pop group through a proxy', () => {
  it('pop-tag-drift passes with its inconsistent-subscription; doctor --proxy finds it during the run', async () => {
    const proxyRemoting = cluster.endpoints.proxy!.remoting!;
    let doctor: DoctorReport | undefined;
    const run = await runCli(
      planOnThisCluster(),
      ['phases.warmup=3s', 'phases.load=16s', 'phases.drain=3s'],
      async () => {
        // Once both instances are popping, watch the cluster as an operator would. Connected to
        // the proxy is not yet popping: doctor finds a group by the brokers' subscription-group
        // tables, where its first pop puts it (once, under CI load, doctor ran before that).
        const admin = RemotingAdmin.create({ namesrvAddr: cluster.namesrvAddr });
        try {
          const deadline = Date.now() + 40_000;
          for (;;) {
            const c = await admin.consumerConnections(proxyRemoting, 'billing').catch(() => undefined);
            const found = await discoverGroups(admin, { proxies: [proxyRemoting] }).catch(() => undefined);
            if ((c?.connectionSet.length ?? 0) >= 2 && found?.pop.includes('billing')) break;
            if (Date.now() > deadline) throw new Error('both billing instances never showed popping at the proxy');
            await new Promise((r) => setTimeout(r, 250));
          }
        } finally {
          await admin.close();
        }
        doctor = await runDoctor(cluster.namesrvAddr, [], 9000, () => {}, { proxies: [proxyRemoting] });
      },
    );
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.verdict).toBe('pass');
    const billing = s.groups.find((g) => g.scope === 'billing')!;
    expect(billing.lost).toBeGreaterThan(0);
    const [finding, ...others] = s.diagnoses;
    expect(others).toEqual([]);
    expect(finding).toMatchObject({
      id: 'inconsistent-subscription',
      group: 'billing',
      expected: true,
      claims: [{ topic: 'orders', exceptTags: ['TagA'] }],
      explains: { lost: billing.lost, of: billing.lost },
      evidence: {
        instances: { 'billing#0': { orders: 'TagA' }, 'billing#1': { orders: 'TagA || TagB' } },
        consumption: 'pop',
        subscriptionsFrom: 'plan',
      },
    });
    expect(finding!.summary).toMatch(/^instances of pop group billing subscribe differently: topic orders: "TagA"/);
    // The proxy's table holds one instance's expression, and the brokers' latest pop one of the two.
    const proxyTable = (finding!.evidence['proxyTables'] as Record<string, { orders: string }>)[proxyRemoting]!;
    expect(['TagA', 'TagA || TagB']).toContain(proxyTable.orders);
    const lastPop = finding!.evidence['lastPopByBroker'] as Record<string, { orders: string[] }>;
    for (const expression of lastPop['broker-a']!.orders) expect(['TagA', 'TagA || TagB']).toContain(expression);
    console.log(
      `pop-tag-drift on the test cluster: sent ${s.producers.acked}, lost ${billing.lost} ` +
        `(explained ${finding!.explains!.lost}); proxy table ${proxyTable.orders}`,
    );

    // doctor, during the load: the group is found through the proxy only and labelled pop.
    expect(doctor).toBeDefined();
    const group = doctor!.groups.find((g) => g.group === 'billing');
    expect(group).toMatchObject({ consumption: 'pop', messageModel: 'CLUSTERING' });
    expect(group!.clients).toHaveLength(2);
    for (const client of group!.clients) expect(client).toMatchObject({ brokers: [], proxies: [proxyRemoting] });
    const seen = doctor!.findings.find((f) => f.id === 'inconsistent-subscription' && f.group === 'billing');
    expect(seen, JSON.stringify(doctor!.observed.snapshots.map((x) => x.groups[0]?.brokers))).toBeDefined();
    expect(seen!.summary).toMatch(/^the pops of group billing carry different expressions/);
    expect(seen!.evidence['differences']).toEqual([{ topic: 'orders', expressions: ['TagA', 'TagA || TagB'] }]);
    // Nothing else is claimed of a pop group: no allocation, no broker "without consumers", nobody stale.
    expect(doctor!.findings.map((f) => f.id)).toEqual(['inconsistent-subscription']);
  }, 120_000);
});
