/**
 * The server conf catalogue and its writers: the committed catalogue is what the generator reads
 * from the cached RocketMQ jars, and node-config writes a plan's entries (converted by the plan)
 * but never one of the keys that place a node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_PATH,
  parseJavap,
  readServerConfCatalogue,
  renderServerConfCatalogue,
} from '../../../scripts/generate-server-conf-catalogue.ts';
import type { ClusterSpec } from '../../../src/cluster/provider.ts';
import { brokerConfig, controllerConfig, namesrvConfig } from '../../../src/cluster/providers/local/node-config.ts';
import { confKeySpecs } from '../../../src/cluster/server-conf/conf-keys.ts';
import { cachePaths } from '../../../src/setup/cache-dir.ts';
import { ROCKETMQ_VERSION } from '../../../src/setup/versions.ts';
import { javapRuns } from '../../support/javap.ts';

const lib = cachePaths().rocketmqLib;

const jarsCached = existsSync(join(lib, `rocketmq-broker-${ROCKETMQ_VERSION}.jar`)) && javapRuns();
const SKIP_REASON = ` (skipped: no RocketMQ ${ROCKETMQ_VERSION} jars in ${lib} or no javap; npm run setup caches them)`;

describe('server conf catalogue', () => {
  it.skipIf(!jarsCached)(
    `is what npm run catalogue reads from the cached jars${jarsCached ? '' : SKIP_REASON}`,
    () => {
      expect(readFileSync(CATALOGUE_PATH, 'utf8')).toBe(renderServerConfCatalogue(readServerConfCatalogue(lib)));
    },
    60_000,
  );

  it('reads setters as properties2Object does: instance setters, enum-backed strings, boxes', () => {
    const [config, role] = parseJavap(`Compiled from "X.java"
public class org.apache.rocketmq.X extends org.apache.rocketmq.Base {
  private org.apache.rocketmq.Role role;
  private int port;
  public void setPort(int);
  public void setRole(org.apache.rocketmq.Role);
  public void setRole(java.lang.String);
  public static void setGlobal(java.lang.String);
  public void setTimeout(java.lang.Long);
}
Compiled from "Role.java"
public final class org.apache.rocketmq.Role extends java.lang.Enum<org.apache.rocketmq.Role> {
  public static final org.apache.rocketmq.Role MASTER;
  public static final org.apache.rocketmq.Role SLAVE;
  private static final org.apache.rocketmq.Role[] $VALUES;
}
`);
    expect(config?.superclass).toBe('org.apache.rocketmq.Base');
    expect(config?.fields.get('role')).toBe('org.apache.rocketmq.Role');
    expect([...(config?.setters.keys() ?? [])]).toEqual(['setPort', 'setRole', 'setTimeout']);
    expect(config?.setters.get('setRole')).toEqual(['org.apache.rocketmq.Role', 'java.lang.String']);
    expect(role?.enumConstants).toEqual(['MASTER', 'SLAVE']);
  });

  it('describes the keys the issue names with the broker types and units', () => {
    const broker = confKeySpecs('broker');
    expect(broker.get('channelExpiredTimeout')).toEqual({
      kind: 'integer',
      java: 'long',
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      unit: 'ms',
    });
    expect(broker.get('fileReservedTime')).toMatchObject({ kind: 'integer', java: 'int', unit: 'h' });
    expect(broker.get('maxHaTransferByteInSecond')).not.toHaveProperty('unit');
    expect(broker.get('flushDiskType')).toEqual({ kind: 'enum', values: ['SYNC_FLUSH', 'ASYNC_FLUSH'], refused: {} });
    expect(broker.get('brokerName')).toMatchObject({ kind: 'owned' });
    expect(confKeySpecs('namesrv').get('scanNotActiveBrokerInterval')).toMatchObject({ kind: 'integer', unit: 'ms' });
  });
});

describe('conf writers', () => {
  const spec = (extra: Partial<ClusterSpec>): ClusterSpec => ({
    clusterName: 'c',
    namesrv: 1,
    brokers: 1,
    slavesPerMaster: 1,
    proxy: false,
    heapBytes: 1,
    brokerConfig: {},
    namesrvConfig: {},
    ...extra,
  });
  const ports = { listen: 10911, ha: 10912, spare: 10910 };
  const write = (s: ClusterSpec, brokerId: number) =>
    brokerConfig({ spec: s, brokerName: 'broker-a', brokerId, namesrvAddr: '127.0.0.1:9876', ports, storeDir: '/s' });

  it("writes the plan's entries over the defaults, and its brokerRole for masters only", () => {
    const s = spec({
      brokerConfig: { flushDiskType: 'SYNC_FLUSH', brokerRole: 'SYNC_MASTER', channelExpiredTimeout: 40000 },
    });
    const master = write(s, 0);
    expect(master).toContain('flushDiskType=SYNC_FLUSH\n');
    expect(master).toContain('channelExpiredTimeout=40000\n');
    expect(master).toContain('brokerRole=SYNC_MASTER\n');
    expect(master).not.toContain('ASYNC_FLUSH');
    const slave = write(s, 1);
    expect(slave).toContain('brokerRole=SLAVE\n');
    expect(slave).toContain('flushDiskType=SYNC_FLUSH\n');
  });

  it("writes the plan's name server entries, and keeps the port its own", () => {
    expect(namesrvConfig(20000, undefined, { scanNotActiveBrokerInterval: 5000 })).toBe(
      'scanNotActiveBrokerInterval=5000\nlistenPort=20000\n',
    );
  });

  it('refuses entries validation refuses, for callers without a plan', () => {
    expect(() => write(spec({ brokerConfig: { storePathRootDir: '/elsewhere' } }), 0)).toThrow(/storePathRootDir/);
    expect(() => write(spec({ brokerConfig: { brokerRole: 'SLAVE' } }), 0)).toThrow(/slavesPerMaster/);
    expect(() => write(spec({ brokerConfig: { flushDiskTyp: 'SYNC_FLUSH' } }), 0)).toThrow(/not a broker.conf key/);
    expect(() => namesrvConfig(20000, undefined, { listenPort: 1 })).toThrow(/listenPort/);
  });

  it('controller mode: the controller picks ids and roles; the plan brokerRole is not applied', () => {
    const s = spec({ ha: 'controller', brokerConfig: { brokerRole: 'SYNC_MASTER' } });
    const text = brokerConfig({
      spec: s,
      brokerName: 'broker-a',
      brokerId: 0,
      namesrvAddr: '127.0.0.1:9876',
      ports,
      storeDir: '/s',
      replica: { ha: 'controller', controllerAddr: '127.0.0.1:9878;127.0.0.1:9880' },
    });
    for (const line of ['brokerId=-1', 'brokerRole=SLAVE', 'enableControllerMode=true', 'allAckInSyncStateSet=true'])
      expect(text).toContain(`${line}\n`);
    expect(text).toContain('controllerAddr=127.0.0.1:9878;127.0.0.1:9880\n');
    expect(text).not.toContain('SYNC_MASTER');
  });

  it('dledger mode: one Raft group per broker name, no brokerId or brokerRole', () => {
    const text = brokerConfig({
      spec: spec({ ha: 'dledger', slavesPerMaster: 2 }),
      brokerName: 'broker-a',
      brokerId: 1,
      namesrvAddr: '127.0.0.1:9876',
      ports,
      storeDir: '/s',
      replica: { ha: 'dledger', selfId: 'n1', peers: 'n0-127.0.0.1:1;n1-127.0.0.1:2;n2-127.0.0.1:3' },
    });
    expect(text).toContain('enableDLegerCommitLog=true\ndLegerGroup=broker-a\n');
    expect(text).toContain('dLegerSelfId=n1\n');
    expect(text).not.toMatch(/^brokerId=/m);
    expect(text).not.toMatch(/^brokerRole=/m);
  });

  it('a name server with an embedded controller gets the controller group and a small store', () => {
    const text = namesrvConfig(20000, undefined, {}, { selfId: 'n0', peers: 'n0-127.0.0.1:20001', storeDir: '/c' });
    expect(text).toContain('enableControllerInNamesrv=true\n');
    expect(text).toContain(
      'controllerDLegerPeers=n0-127.0.0.1:20001\ncontrollerDLegerSelfId=n0\ncontrollerStorePath=/c\n',
    );
    expect(text).toContain(`mappedFileSize=${64 * 1024 * 1024}\n`);
  });

  it('a standalone controller gets the same group settings without a name server', () => {
    const text = controllerConfig({
      selfId: 'n2',
      peers: 'n0-127.0.0.1:1;n1-127.0.0.1:2;n2-127.0.0.1:3',
      storeDir: '/c',
    });
    expect(text).not.toContain('enableControllerInNamesrv');
    expect(text).toContain('controllerDLegerSelfId=n2\n');
    expect(text).toContain('controllerDLegerPeers=n0-127.0.0.1:1;n1-127.0.0.1:2;n2-127.0.0.1:3\n');
  });
});
