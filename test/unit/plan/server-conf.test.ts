/**
 * `cluster.brokerConfig` and `cluster.namesrvConfig`: typed from the RocketMQ catalogue, times
 * converted to each key's unit, and what validation accepts is what the JSON Schema accepts.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { type ConfServer, confKeySpecs } from '../../../src/cluster/server-conf/conf-keys.ts';
import { buildPlanJsonSchema } from '../../../src/plan/export-schema.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { checkConfValue } from '../../../src/plan/server-conf-values.ts';
import { PlanError, formatPlanIssue } from '../../../src/util/errors.ts';

function plan(cluster: string) {
  return loadPlanText(
    `description: conf\ncluster:\n${cluster}\ntopics:\n  - name: smoke\nphases:\n  load: 20s\n`,
    'plans/conf.yaml',
  );
}

/** The messages without their position (the fixtures in bad-plans check positions). */
function problems(cluster: string): string[] {
  try {
    plan(cluster);
  } catch (error) {
    if (error instanceof PlanError)
      return error.issues.map((issue) => formatPlanIssue(issue).replace(/ \(plans.*$/, ''));
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('cluster.brokerConfig', () => {
  it('takes every kind of key with its broker type, converted as broker.conf wants it', () => {
    const { cluster } = plan(`  brokerConfig:
    flushDiskType: SYNC_FLUSH
    maxMessageSize: 65536
    autoCreateTopicEnable: false
    deleteWhen: "04"
    logicalDiskSpaceCleanForciblyThreshold: 0.8
    brokerRole: SYNC_MASTER
    msgTraceTopicName: traces`);
    expect(cluster.brokerConfig).toEqual({
      flushDiskType: 'SYNC_FLUSH',
      maxMessageSize: 65536,
      autoCreateTopicEnable: false,
      deleteWhen: '04',
      logicalDiskSpaceCleanForciblyThreshold: 0.8,
      brokerRole: 'SYNC_MASTER',
      msgTraceTopicName: 'traces',
    });
  });

  it("converts a duration to the key's unit and passes a number through as that unit", () => {
    const { cluster } = plan(`  brokerConfig:
    channelExpiredTimeout: 40s
    subscriptionExpiredTimeout: 600000
    flushIntervalCommitLog: 500ms
    serverChannelMaxIdleTimeSeconds: 2m
    fileReservedTime: 2h
    maxStatsIdleTimeInMinutes: 1h30m`);
    expect(cluster.brokerConfig).toEqual({
      channelExpiredTimeout: 40_000,
      subscriptionExpiredTimeout: 600_000,
      flushIntervalCommitLog: 500,
      serverChannelMaxIdleTimeSeconds: 120,
      fileReservedTime: 2,
      maxStatsIdleTimeInMinutes: 90,
    });
  });

  it('refuses a word, a negative number and a time that is not whole in the unit', () => {
    expect(
      problems(`  brokerConfig:
    channelExpiredTimeout: forty
    subscriptionExpiredTimeout: -40000
    serverChannelMaxIdleTimeSeconds: 1500ms
    maxMessageSize: -1`),
    ).toEqual([
      'cluster.brokerConfig.channelExpiredTimeout: expected a duration such as 120s or a number of milliseconds, ' +
        'got "forty"',
      'cluster.brokerConfig.subscriptionExpiredTimeout: expected a duration such as 120s or a number of ' +
        'milliseconds, got -40000 (this key takes no negative values)',
      'cluster.brokerConfig.serverChannelMaxIdleTimeSeconds: expected a whole number of seconds, got "1500ms"',
      'cluster.brokerConfig.maxMessageSize: expected an integer from 0 to 2147483647, got -1 ' +
        '(this key takes no negative values)',
    ]);
  });

  it('takes -1 where it is a documented setting', () => {
    expect(
      plan('  brokerConfig: {maxStatsIdleTimeInMinutes: -1, defaultPopShareQueueNum: -1}').cluster.brokerConfig,
    ).toEqual({ maxStatsIdleTimeInMinutes: -1, defaultPopShareQueueNum: -1 });
  });

  it('refuses an enum value, listing the allowed ones (brokerRole SLAVE says to use slavesPerMaster)', () => {
    expect(problems('  brokerConfig: {flushDiskType: FAST_FLUSH, brokerRole: SLAVE}')).toEqual([
      'cluster.brokerConfig.flushDiskType: expected one of SYNC_FLUSH, ASYNC_FLUSH, got "FAST_FLUSH"',
      'cluster.brokerConfig.brokerRole: "SLAVE" is not allowed here: rmq-chaos makes slaves itself ' +
        '(brokerRole applies to masters): set cluster.slavesPerMaster',
    ]);
  });

  it('names the close matches of an unknown key, or what the keys are when none is close', () => {
    const keys = '{flushDiskTyp: SYNC_FLUSH, syncFlushTimeOut: 1s, transactionCheckInterva: 1s, zzqx: 1}';
    expect(problems(`  brokerConfig: ${keys}`)).toEqual([
      'cluster.brokerConfig: unknown broker.conf key "flushDiskTyp" (did you mean "flushDiskType"?)',
      // A key that differs only in case is surely the one meant: it alone is named.
      'cluster.brokerConfig: unknown broker.conf key "syncFlushTimeOut" (did you mean "syncFlushTimeout"?)',
      'cluster.brokerConfig: unknown broker.conf key "transactionCheckInterva" (did you mean ' +
        '"transactionCheckInterval", "transactionCheckMax" or "transactionOpBatchInterval"?)',
      `cluster.brokerConfig: unknown broker.conf key "zzqx" (not one of the ${confKeySpecs('broker').size} keys ` +
        'a RocketMQ 5.3.3 broker reads)',
    ]);
  });

  it('refuses the keys rmq-chaos sets, saying which plan key to use instead', () => {
    expect(problems('  brokerConfig: {brokerName: x, brokerId: 1, storePathRootDir: /tmp/s, listenPort: 1}')).toEqual([
      'cluster.brokerConfig.brokerName: set by rmq-chaos (brokers are named broker-a, broker-b, ...): set ' +
        'cluster.brokers',
      'cluster.brokerConfig.brokerId: set by rmq-chaos (0 for a master, 1, 2, ... for its slaves): set ' +
        'cluster.slavesPerMaster',
      'cluster.brokerConfig.storePathRootDir: set by rmq-chaos (each node keeps its files in its own directory ' +
        'of the run; one path for every node would be shared by all of them)',
      'cluster.brokerConfig.listenPort: set by rmq-chaos (it picks a free port for every node)',
    ]);
  });
});

describe('cluster.namesrvConfig', () => {
  it('is typed and converted like brokerConfig, against the name server classes', () => {
    const { cluster } = plan('  namesrvConfig: {scanNotActiveBrokerInterval: 5s, orderMessageEnable: true}');
    expect(cluster.namesrvConfig).toEqual({ scanNotActiveBrokerInterval: 5000, orderMessageEnable: true });
    expect(plan('  brokers: 1').cluster.namesrvConfig).toEqual({});
  });

  it('refuses bad values, owned keys, and a broker key (naming where it belongs)', () => {
    expect(
      problems('  namesrvConfig: {scanNotActiveBrokerInterval: -5, listenPort: 9876, flushDiskType: SYNC_FLUSH}'),
    ).toEqual([
      'cluster.namesrvConfig.scanNotActiveBrokerInterval: expected a duration such as 120s or a number of ' +
        'milliseconds, got -5 (this key takes no negative values)',
      'cluster.namesrvConfig.listenPort: set by rmq-chaos (it picks a free port for every node)',
      'cluster.namesrvConfig: "flushDiskType" is not a name server conf key: it belongs in cluster.brokerConfig',
    ]);
  });

  it('is refused with provider external, like every setting of a cluster rmq-chaos starts', () => {
    expect(
      problems('  provider: external\n  namesrvAddr: "10.0.0.5:9876"\n  namesrvConfig: {orderMessageEnable: true}'),
    ).toEqual([
      'cluster.namesrvConfig: namesrvConfig describes a cluster rmq-chaos would start; provider external uses ' +
        'the cluster at namesrvAddr as it is: remove namesrvConfig',
    ]);
  });
});

describe('one description for validation and the JSON Schema', () => {
  const SAMPLES: unknown[] = [0, 1, -1, 2 ** 31, 0.5, '30s', '1500ms', 'forty', '', 'ASYNC_FLUSH', true, [1], {}];
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(buildPlanJsonSchema());

  for (const server of ['broker', 'namesrv'] as const satisfies readonly ConfServer[]) {
    it(`every value validation accepts for a ${server} key, editors accept too`, () => {
      const mapKey = server === 'broker' ? 'brokerConfig' : 'namesrvConfig';
      const disagreements: string[] = [];
      for (const [key, spec] of confKeySpecs(server)) {
        for (const value of SAMPLES) {
          if (!checkConfValue(spec, value).ok) continue;
          const document = {
            description: 'x',
            cluster: { [mapKey]: { [key]: value } },
            topics: [{ name: 'smoke' }],
            phases: { load: '20s' },
          };
          if (!validate(document)) disagreements.push(`${key}=${JSON.stringify(value)}`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});
