import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCES } from '../../../src/plan/compare-tolerances.ts';
import { loadPlanFile, loadPlanText, resolvePlanPath } from '../../../src/plan/load-plan.ts';
import type { ResolvedPlan } from '../../../src/plan/resolved-plan.ts';
import { PlanError, UsageError, formatPlanIssue } from '../../../src/util/errors.ts';

const MINIMAL = `
description: "Smallest plan: one topic, nothing else."
topics:
  - name: smoke
phases:
  load: 20s
`;

const FULL = `
version: 1
name: tag-drift
description: "Two fleets of one group subscribe different tags. Backlog must grow on the narrow one's queues."
seed: 42
cluster:
  provider: containers
  namesrv: 2
  brokers: 2
  slavesPerMaster: 1
  proxy: true
  heap: 1GiB
  brokerConfig:
    {flushDiskType: SYNC_FLUSH, maxMessageSize: 65536, autoCreateTopicEnable: false, channelExpiredTimeout: 2m}
  namesrvConfig: {scanNotActiveBrokerInterval: 5s}
topics:
  - name: orders
    queues: 8
  - name: audit
fleets:
  producers:
    - name: orders
      topic: orders
      instances: 2
      protocol: grpc
      rate: 120/m
      messageSize: 1KiB
      tags: {TagA: 3, TagB: 1}
      maxMessages: 5000
  consumers:
    - name: billing-narrow
      group: billing
      subscription: {orders: "TagA"}
    - name: billing-wide
      group: billing
      instances: 2
      model: broadcasting
      subscription: {orders: "TagA || TagB", audit: "*"}
      consumeTime: 5ms
phases:
  warmup: 10s
  load: 1m30s
  drain: 2m
thresholds:
  loss: ["count==0"]
  e2e_latency:
    - "p(99)<500ms"
    - threshold: "p(99.9)<=1s"
      abortOnFail: true
      delayAbortEval: 10s
  backlog: ["max<10000"]
`;

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error.issues.map(formatPlanIssue);
    throw error;
  }
  throw new Error('expected a PlanError');
}

function withoutSource(plan: ResolvedPlan): Omit<ResolvedPlan, 'source'> {
  const { source: _source, ...rest } = plan;
  return rest;
}

describe('good plans', () => {
  it('fills every default of a minimal plan', () => {
    expect(loadPlanText(MINIMAL, 'plans/smoke.yaml')).toEqual({
      version: 1,
      name: 'smoke',
      description: 'Smallest plan: one topic, nothing else.',
      seed: 1,
      cluster: {
        provider: 'local',
        version: '5.3.3',
        ha: 'none',
        controllers: 0,
        namesrv: 1,
        brokers: 1,
        brokerNames: ['broker-a'],
        slavesPerMaster: 0,
        proxy: false,
        heapBytes: 256 * 1024 * 1024,
        brokerConfig: {},
        namesrvConfig: {},
      },
      topics: [{ name: 'smoke', queues: 4 }],
      agents: [],
      fleets: { producers: [], consumers: [] },
      phases: { warmupMs: 5000, loadMs: 20_000, chaosMs: 0, healMs: 0, drainMs: 30_000 },
      sampling: { intervalMs: 1000, snapshotMs: 3000 },
      thresholds: [],
      faults: [],
      expect: {
        diagnoses: [],
        others: 'report',
        invariants: {
          'no-loss': 'hold',
          'broadcast-complete': 'hold',
          'no-unexpected': 'hold',
          ordered: 'hold',
          'dead-letters-exact': 'hold',
        },
      },
      compare: { tolerances: DEFAULT_TOLERANCES },
      source: { file: 'plans/smoke.yaml', sets: [], text: MINIMAL },
    } satisfies ResolvedPlan);
  });

  it('keeps the plan text as given, or with the --set overrides written in (what a run keeps as plan.yaml)', () => {
    expect(loadPlanText(MINIMAL, 'plans/smoke.yaml').source.text).toBe(MINIMAL);
    const text = loadPlanText(MINIMAL, 'plans/smoke.yaml', ['phases.load=7s', 'seed=9']).source.text ?? '';
    const again = loadPlanText(text, 'plan.yaml');
    expect(again.phases.loadMs).toBe(7000);
    expect(again.seed).toBe(9);
  });

  it('converts every unit and keeps what the plan says', () => {
    const plan = loadPlanText(FULL, 'plans/whatever.yaml');
    expect(plan.name).toBe('tag-drift');
    expect(plan.seed).toBe(42);
    expect(plan.cluster).toEqual({
      provider: 'containers',
      version: '5.3.3',
      ha: 'master-slave',
      controllers: 0,
      namesrv: 2,
      brokers: 2,
      brokerNames: ['broker-a', 'broker-b'],
      slavesPerMaster: 1,
      proxy: true,
      heapBytes: 1024 ** 3,
      images: { rocketmq: 'official', toxiproxy: 'official' },
      brokerConfig: {
        flushDiskType: 'SYNC_FLUSH',
        maxMessageSize: 65536,
        autoCreateTopicEnable: false,
        channelExpiredTimeout: 120_000,
      },
      namesrvConfig: { scanNotActiveBrokerInterval: 5000 },
    });
    expect(plan.topics).toEqual([
      { name: 'orders', queues: 8 },
      { name: 'audit', queues: 4 },
    ]);
    expect(plan.fleets.producers).toEqual([
      {
        name: 'orders',
        topic: 'orders',
        instances: 2,
        protocol: 'grpc',
        driver: 'node',
        placement: { kind: 'local' },
        sendMode: 'async',
        executor: { kind: 'constant', ratePerSecond: 2 },
        ratePerSecond: 2,
        loadMs: 90_000,
        maxInFlight: 512,
        routeRefreshMs: 30_000,
        messageSizeBytes: 1024,
        batch: 1,
        tags: [
          { tag: 'TagA', weight: 3 },
          { tag: 'TagB', weight: 1 },
        ],
        maxMessages: 5000,
      },
    ]);
    const narrow = [{ topic: 'orders', expression: 'TagA', tags: ['TagA'] }];
    const wide = [
      { topic: 'orders', expression: 'TagA || TagB', tags: ['TagA', 'TagB'] },
      { topic: 'audit', expression: '*', tags: '*' },
    ];
    const noFailure = { ratio: 0, first: 0 };
    expect(plan.fleets.consumers).toEqual([
      {
        name: 'billing-narrow',
        group: 'billing',
        instances: 1,
        protocol: 'remoting',
        model: 'clustering',
        mode: 'push',
        driver: 'node',
        placement: { kind: 'local' },
        consume: 'concurrently',
        pull: 'subscribe',
        subscriptions: narrow,
        consumeTime: { kind: 'fixed', ms: 0 },
        consumeTimeMs: 0,
        failure: noFailure,
        onCrash: 'fail',
        routeRefreshMs: 30_000,
        perInstance: [
          {
            index: 0,
            instanceId: 'billing-narrow#0',
            subscriptions: narrow,
            protocol: 'remoting',
            driver: 'node',
            mode: 'push',
            consumeTime: { kind: 'fixed', ms: 0 },
            consumeTimeMs: 0,
            failure: noFailure,
          },
        ],
      },
      {
        name: 'billing-wide',
        group: 'billing',
        instances: 2,
        protocol: 'remoting',
        model: 'broadcasting',
        mode: 'push',
        driver: 'node',
        placement: { kind: 'local' },
        consume: 'concurrently',
        pull: 'subscribe',
        subscriptions: wide,
        consumeTime: { kind: 'fixed', ms: 5 },
        consumeTimeMs: 5,
        failure: noFailure,
        onCrash: 'fail',
        routeRefreshMs: 30_000,
        perInstance: [0, 1].map((index) => ({
          index,
          instanceId: `billing-wide#${index}`,
          subscriptions: wide,
          protocol: 'remoting',
          driver: 'node',
          mode: 'push',
          consumeTime: { kind: 'fixed', ms: 5 },
          consumeTimeMs: 5,
          failure: noFailure,
        })),
      },
    ]);
    expect(plan.phases).toEqual({ warmupMs: 10_000, loadMs: 90_000, chaosMs: 0, healMs: 0, drainMs: 120_000 });
    expect(plan.thresholds).toEqual([
      {
        metric: 'loss',
        key: 'loss',
        selector: {},
        aggregation: { kind: 'count' },
        op: '==',
        value: 0,
        source: 'count==0',
        abortOnFail: false,
        delayAbortEvalMs: 0,
      },
      {
        metric: 'e2e_latency',
        key: 'e2e_latency',
        selector: {},
        aggregation: { kind: 'p', p: 99 },
        op: '<',
        value: 500,
        source: 'p(99)<500ms',
        abortOnFail: false,
        delayAbortEvalMs: 0,
      },
      {
        metric: 'e2e_latency',
        key: 'e2e_latency',
        selector: {},
        aggregation: { kind: 'p', p: 99.9 },
        op: '<=',
        value: 1000,
        source: 'p(99.9)<=1s',
        abortOnFail: true,
        delayAbortEvalMs: 10_000,
      },
      {
        metric: 'backlog',
        key: 'backlog',
        selector: {},
        aggregation: { kind: 'max' },
        op: '<',
        value: 10_000,
        source: 'max<10000',
        abortOnFail: false,
        delayAbortEvalMs: 0,
      },
    ]);
  });

  it('resolves chaos and heal between load and drain, also from --set', () => {
    const text =
      `description: "Chaos."\ntopics: [{name: smoke}]\nphases: {warmup: 0s, load: 1m, chaos: 20s, heal: 1m30s, ` +
      `drain: 10s}\n`;
    expect(loadPlanText(text, 'plans/c.yaml').phases).toEqual({
      warmupMs: 0,
      loadMs: 60_000,
      chaosMs: 20_000,
      healMs: 90_000,
      drainMs: 10_000,
    });
    expect(loadPlanText(MINIMAL, 'plans/c.yaml', ['phases.chaos=45s']).phases).toMatchObject({
      chaosMs: 45_000,
      healMs: 0,
    });
  });

  it('keeps namesrvAddr for an external cluster', () => {
    const text = MINIMAL + 'cluster: {provider: external, namesrvAddr: "10.0.0.5:9876;10.0.0.6:9876"}\n';
    expect(loadPlanText(text, 'plans/ext.yaml').cluster).toMatchObject({
      provider: 'external',
      namesrvAddr: '10.0.0.5:9876;10.0.0.6:9876',
    });
  });

  it('keeps proxyAddr for an external cluster, so grpc fleets may run against it', () => {
    const text = `${MINIMAL}cluster: {provider: external, namesrvAddr: "10.0.0.5:9876", proxyAddr: "10.0.0.5:8081"}
fleets:
  producers: [{name: orders, topic: smoke, protocol: grpc, rate: 10/s}]
`;
    const plan = loadPlanText(text, 'plans/ext.yaml');
    expect(plan.cluster).toMatchObject({
      provider: 'external',
      namesrvAddr: '10.0.0.5:9876',
      proxyAddr: '10.0.0.5:8081',
    });
    expect(plan.fleets.producers[0]?.protocol).toBe('grpc');
  });

  it(
    'defaults container images to the official ones, ' + 'and takes local or a reference per image (also from --set)',
    () => {
      expect(loadPlanText(MINIMAL, 'plans/c.yaml', ['cluster.provider=containers']).cluster.images).toEqual({
        rocketmq: 'official',
        toxiproxy: 'official',
      });
      const text =
        `${MINIMAL}cluster: {provider: containers, images: {rocketmq: ` +
        `"registry.example:5000/team/rocketmq:5.3.3-patched"}}\n`;
      expect(loadPlanText(text, 'plans/c.yaml', ['cluster.images.toxiproxy=local']).cluster.images).toEqual({
        rocketmq: 'registry.example:5000/team/rocketmq:5.3.3-patched',
        toxiproxy: 'local',
      });
      expect(loadPlanText(MINIMAL, 'plans/c.yaml').cluster.images).toBeUndefined();
    },
  );

  it('derives a valid default name from any file name', () => {
    expect(loadPlanText(MINIMAL, 'some/dir/My Plan_v2.yml').name).toBe('my-plan-v2');
  });

  it('accepts anchors and aliases', () => {
    const text = `description: "Aliases."\ntopics: [{name: smoke}]\nphases: {warmup: &t 20s, load: *t}\n`;
    expect(loadPlanText(text, 'plans/a.yaml').phases).toMatchObject({ warmupMs: 20_000, loadMs: 20_000 });
  });
});

describe('positions', () => {
  it('keeps positions right after a malformed block scalar', () => {
    // yaml's own LineCounter loses the blank line here and would report description at 2:1.
    const issues = issuesOf(() => loadPlanText('>-3description: >  - name: x\n\ndescription: ', 'plans/b.yaml'));
    expect(issues.at(-1)).toBe(
      'YAML syntax error: unexpected scalar token in YAML stream: "description" (plans/b.yaml:3:1)',
    );
  });
});

describe('loadPlanFile and resolvePlanPath', () => {
  it('maps plan names into the plans folder and leaves paths alone', () => {
    expect(resolvePlanPath('smoke', 'plans')).toBe(join('plans', 'smoke.yaml'));
    expect(resolvePlanPath('./elsewhere/smoke', 'plans')).toBe('./elsewhere/smoke');
    expect(resolvePlanPath('smoke.yaml', 'plans')).toBe('smoke.yaml');
    expect(resolvePlanPath('/abs/x.yml', 'plans')).toBe('/abs/x.yml');
  });

  it('reads a plan from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rmq-chaos-plan-'));
    const path = join(dir, 'disk.yaml');
    await writeFile(path, MINIMAL);
    const plan = await loadPlanFile(path, ['phases.load=5s']);
    expect(plan.name).toBe('disk');
    expect(plan.phases.loadMs).toBe(5000);
    expect(plan.source).toMatchObject({ file: path, sets: ['phases.load=5s'] });
  });

  it('names the path when the file does not exist', async () => {
    const error = await loadPlanFile('plans/does-not-exist.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('plan file not found: plans/does-not-exist.yaml');
  });
});

const TWO_CONSUMERS = `${MINIMAL}fleets:
  consumers:
    - name: a
      subscription: {smoke: "*"}
    - name: b
      subscription: {smoke: "*"}
`;

describe('--set', () => {
  it('overrides scalars, creates missing maps and reaches into lists', () => {
    const plan = loadPlanText(TWO_CONSUMERS, 'plans/s.yaml', [
      'phases.load=5s',
      'fleets.consumers[1].instances=3',
      'cluster.provider=containers',
      'thresholds.loss[0]=count<5',
    ]);
    expect(plan.phases.loadMs).toBe(5000);
    expect(plan.fleets.consumers.map((c) => c.instances)).toEqual([1, 3]);
    expect(plan.cluster.provider).toBe('containers');
    expect(plan.thresholds).toMatchObject([{ metric: 'loss', op: '<', value: 5 }]);
  });

  it('replaces an existing list entry and appends at the end of a list', () => {
    const text = `${MINIMAL}thresholds:\n  loss: ["count==0"]\n`;
    const plan = loadPlanText(text, 'plans/s.yaml', ['thresholds.loss[0]=count<5', 'thresholds.loss[1]=rate<1']);
    expect(plan.thresholds.map((t) => t.source)).toEqual(['count<5', 'rate<1']);
  });

  it('takes flow values and lets later overrides see earlier ones', () => {
    const plan = loadPlanText(TWO_CONSUMERS, 'plans/s.yaml', [
      'topics[1]={name: audit, queues: 2}',
      'fleets.consumers[0].subscription={smoke: "TagA || TagB", audit: "*"}',
      'topics[1].queues=3',
    ]);
    expect(plan.topics).toEqual([
      { name: 'smoke', queues: 4 },
      { name: 'audit', queues: 3 },
    ]);
    expect(plan.fleets.consumers[0]?.subscriptions.map((s) => s.topic)).toEqual(['smoke', 'audit']);
  });

  it('reports a bad value at its column in the argument', () => {
    expect(issuesOf(() => loadPlanText(MINIMAL, 'plans/s.yaml', ['phases.load=abc']))).toEqual([
      'phases.load: expected a duration such as 90s or 2m, got "abc" (--set:1:13)',
    ]);
    expect(issuesOf(() => loadPlanText(MINIMAL, 'plans/s.yaml', ['topics[0]={name: smoke, queues: 0}']))).toEqual([
      'topics[0].queues: expected a positive integer, got 0 (--set:1:33)',
    ]);
  });

  it('puts file issues before --set issues', () => {
    const text = MINIMAL.replace('name: smoke', 'name: smoke\n    queues: 0');
    expect(issuesOf(() => loadPlanText(text, 'plans/s.yaml', ['phases.drain=later']))).toEqual([
      'topics[0].queues: expected a positive integer, got 0 (plans/s.yaml:5:13)',
      'phases.drain: expected a duration such as 90s or 2m, got "later" (--set:1:14)',
    ]);
  });

  it.each([
    ['phases.load', '--set phases.load: expected key=value, such as phases.load=5s or fleets.consumers[1].instances=3'],
    ['=5s', '--set =5s: expected key=value, such as phases.load=5s or fleets.consumers[1].instances=3'],
    [
      'phases..load=5s',
      '--set phases..load=5s: "phases..load" is not a plan path (keys separated by dots, list indexes in ' +
        'brackets, other keys in quotes and brackets such as thresholds["loss{group:billing}"], such as ' +
        'phases.load=5s or fleets.consumers[1].instances=3)',
    ],
    ['thresholds["a\\q"]=x', '--set thresholds["a\\q"]=x: "a\\q" is not a valid quoted key (JSON string escapes only)'],
    [
      'fleets.consumers[5].instances=3',
      '--set fleets.consumers[5].instances=3: index 5 is out of range: fleets.consumers has 2 items (use [2] ' +
        'to append one)',
    ],
    ['phases.load.x=1', '--set phases.load.x=1: phases.load is a single value, not a map or list'],
    ['fleets.consumers.name=x', '--set fleets.consumers.name=x: fleets.consumers is a list; use an index such as [0]'],
    ['phases[0]=x', '--set phases[0]=x: phases is a map, not a list'],
  ])('rejects the malformed override %j as a usage error', (argument, message) => {
    expect(() => loadPlanText(TWO_CONSUMERS, 'plans/s.yaml', [argument])).toThrow(new UsageError(message));
  });

  it('reaches keys that are not plain words through quotes, as paths are printed', () => {
    const text = `${TWO_CONSUMERS}thresholds:\n  "loss{group:a}": ["count==0"]\n`;
    const plan = loadPlanText(text, 'plans/s.yaml', [
      'thresholds["loss{group:a}"][0]=count<5',
      'thresholds["received{group:b,instance:each}"]=["count==1"]',
    ]);
    expect(plan.thresholds.map((t) => [t.key, t.source])).toEqual([
      ['loss{group:a}', 'count<5'],
      ['received{group:b,instance:each}', 'count==1'],
    ]);
    expect(issuesOf(() => loadPlanText(text, 'plans/s.yaml', ['thresholds["loss{group:a}"][0]=p(99)<1s']))).toEqual([
      'thresholds["loss{group:a}"][0]: loss does not support p(N) (use count, rate) (--set:1:32)',
    ]);
  });

  it('rejects a value that is not YAML as a usage error', () => {
    expect(() => loadPlanText(MINIMAL, 'plans/s.yaml', ['description=[unclosed'])).toThrow(UsageError);
  });

  it('builds a plan from nothing but overrides', () => {
    const plan = loadPlanText('', 'plans/empty.yaml', [
      'description=From flags.',
      'topics[0].name=smoke',
      'phases.load=1s',
    ]);
    expect(plan.topics).toEqual([{ name: 'smoke', queues: 4 }]);
    expect(withoutSource(plan).phases.loadMs).toBe(1000);
  });
});
