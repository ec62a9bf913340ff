/**
 * The conf files the containers provider writes are read in full by every tested server
 * version: each key is a property of the config classes the version's startup parses (4.x
 * silently ignores the others, so a key it lacks would be a setting that quietly does nothing).
 * `bindAddress` in particular is 5.x only (NettyServerConfig); the local provider writes it with
 * the network on, to keep a daemon off Toxiproxy's addresses, but in containers every node has
 * its own network namespace, so the provider never needs it. Read from the cached jars with
 * javap; skips, saying why, where they or javap are missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJavap, propertyName } from '../../../scripts/generate-server-conf-catalogue.ts';
import { planContainerLayout, NAMESRV_CONTAINER_PORT } from '../../../src/cluster/containers/layout.ts';
import { containerBrokerConfig } from '../../../src/cluster/containers/node-containers.ts';
import type { ClusterSpec } from '../../../src/cluster/provider.ts';
import { namesrvConfig } from '../../../src/cluster/providers/local/node-config.ts';
import { rocketmqPaths } from '../../../src/setup/cache-dir.ts';
import { TESTED_ROCKETMQ_VERSIONS } from '../../../src/setup/versions.ts';
import { javapRuns } from '../../support/javap.ts';

/** What BrokerStartup and NamesrvStartup hand the conf file to (properties2Object), in 4.x and 5.x alike. */
const NETTY = [
  'org.apache.rocketmq.remoting.netty.NettyServerConfig',
  'org.apache.rocketmq.remoting.netty.NettyClientConfig',
];
const CLASSES = {
  broker: ['org.apache.rocketmq.common.BrokerConfig', 'org.apache.rocketmq.store.config.MessageStoreConfig', ...NETTY],
  namesrv: ['org.apache.rocketmq.common.namesrv.NamesrvConfig', ...NETTY],
};

const hasJavap = javapRuns();

/**
 * Every property each server's classes (and their superclasses) have a setter for; one javap
 * per class generation, memoized per version, as each javap is a JVM start.
 */
const readable = new Map<string, { broker: Set<string>; namesrv: Set<string> }>();
function readableKeys(version: string): { broker: Set<string>; namesrv: Set<string> } {
  const known = readable.get(version);
  if (known) return known;
  const lib = rocketmqPaths(version).lib;
  const setters = new Map<string, { superclass?: string; keys: string[] }>();
  let pending = [...new Set([...CLASSES.broker, ...CLASSES.namesrv])];
  while (pending.length > 0) {
    const classes = parseJavap(execFileSync('javap', ['-p', '-cp', `${lib}/*`, ...pending], { encoding: 'utf8' }));
    for (const c of classes)
      setters.set(c.name, {
        ...(c.superclass ? { superclass: c.superclass } : {}),
        keys: [...c.setters.keys()].map(propertyName),
      });
    pending = classes.flatMap((c) =>
      c.superclass?.startsWith('org.apache.rocketmq.') && !setters.has(c.superclass) ? [c.superclass] : [],
    );
  }
  const keysOf = (classNames: string[]) => {
    const keys = new Set<string>();
    for (const name of classNames)
      for (let c = setters.get(name); c; c = c.superclass ? setters.get(c.superclass) : undefined)
        for (const key of c.keys) keys.add(key);
    return keys;
  };
  const result = { broker: keysOf(CLASSES.broker), namesrv: keysOf(CLASSES.namesrv) };
  readable.set(version, result);
  return result;
}

const keysOf = (conf: string) =>
  conf
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(0, line.indexOf('=')));

function containerConfs(version: string): { broker: string[]; namesrv: string } {
  const spec: ClusterSpec = {
    clusterName: 'c',
    version,
    namesrv: 1,
    brokers: 1,
    slavesPerMaster: 1,
    proxy: false,
    heapBytes: 256 * 1024 * 1024,
    brokerConfig: {},
    namesrvConfig: {},
  };
  // With the network on: the layout where a slave gets haMasterAddress, the most keys written.
  const layout = planContainerLayout({
    network: true,
    namesrvPorts: [20500],
    brokers: [
      { name: 'broker-a', brokerName: 'broker-a', brokerId: 0, block: [21000, 21001, 21002, 21003] },
      { name: 'broker-a-s1', brokerName: 'broker-a', brokerId: 1, block: [22000, 22001, 22002, 22003] },
    ],
  });
  return {
    broker: layout.brokers.map((b) => containerBrokerConfig(b, spec)),
    namesrv: namesrvConfig(NAMESRV_CONTAINER_PORT, undefined, spec.namesrvConfig),
  };
}

describe('container conf files per server version', () => {
  for (const version of TESTED_ROCKETMQ_VERSIONS) {
    const lib = rocketmqPaths(version).lib;
    const cached = existsSync(join(lib, `rocketmq-broker-${version}.jar`));
    const skip = !cached || !hasJavap;
    const note = skip
      ? ` (skipped: no RocketMQ ${version} jars in ${lib} or no javap; rmq-chaos setup caches them)`
      : '';
    it.skipIf(skip)(
      `hold only keys RocketMQ ${version} reads${note}`,
      () => {
        const confs = containerConfs(version);
        const { broker, namesrv } = readableKeys(version);
        for (const conf of confs.broker)
          expect(
            keysOf(conf).filter((k) => !broker.has(k)),
            conf,
          ).toEqual([]);
        expect(keysOf(confs.namesrv).filter((k) => !namesrv.has(k))).toEqual([]);
        expect(confs.broker[1]).toContain('haMasterAddress=');
        expect([...confs.broker, confs.namesrv].join('\n')).not.toContain('bindAddress');
      },
      60_000,
    );
  }

  const both = ['4.9.7', '5.3.3'].every((v) => existsSync(join(rocketmqPaths(v).lib, `rocketmq-broker-${v}.jar`)));
  it.skipIf(!both || !hasJavap)(
    `bindAddress, which only the local provider writes, is 5.x's and 4.9.7 lacks it${
      both && hasJavap ? '' : ' (skipped: 4.9.7 or 5.3.3 jars not cached, or no javap)'
    }`,
    () => {
      expect(readableKeys('4.9.7').namesrv.has('bindAddress')).toBe(false);
      expect(readableKeys('5.3.3').namesrv.has('bindAddress')).toBe(true);
    },
    60_000,
  );
});
