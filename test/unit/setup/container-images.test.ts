/**
 * The locally built RocketMQ image per server version (setup/container-images.ts): its tag,
 * the official name it stands in for, its install folder, and the files it adds to the jars:
 * start scripts for the daemons the version has, and on 4.x the logback files it exits without.
 */
import { describe, expect, it } from 'vitest';
import {
  localImages,
  officialImages,
  rocketmqImageFiles,
  rocketmqImageLayout,
} from '../../../src/setup/container-images.ts';
import { legacyLogbackFile } from '../../../src/setup/legacy-logging.ts';
import { MAIN_CLASS, ROCKETMQ_VERSION, TESTED_ROCKETMQ_VERSIONS } from '../../../src/setup/versions.ts';

const paths = (version: string) => rocketmqImageFiles(version).map((f) => f.path);

describe('RocketMQ images per server version', () => {
  it('names the official image apache/rocketmq:<version> and the local one <version>-<revision>', () => {
    for (const version of TESTED_ROCKETMQ_VERSIONS) {
      expect(officialImages(version).rocketmq).toBe(`docker.io/apache/rocketmq:${version}`);
      expect(localImages(version).rocketmq).toMatch(
        new RegExp(`^localhost/rmq-chaos/rocketmq:${version.replaceAll('.', '\\.')}-[0-9a-f]{8}$`),
      );
    }
    // The JRE base and Toxiproxy do not depend on the server version.
    expect(localImages('4.9.7').jre).toBe(localImages(ROCKETMQ_VERSION).jre);
    expect(localImages('4.9.7').toxiproxy).toBe(localImages(ROCKETMQ_VERSION).toxiproxy);
    expect(officialImages('4.9.7').toxiproxy).toBe(officialImages(ROCKETMQ_VERSION).toxiproxy);
  });

  it('installs each version where the official image has it: ROCKETMQ_HOME /home/rocketmq/rocketmq-<version>', () => {
    expect(rocketmqImageLayout('4.9.7')).toEqual({
      install: '/home/rocketmq/rocketmq-4.9.7',
      bin: '/home/rocketmq/rocketmq-4.9.7/bin',
      conf: '/home/rocketmq/rocketmq-4.9.7/conf',
    });
    expect(rocketmqImageLayout('5.5.0').bin).toBe('/home/rocketmq/rocketmq-5.5.0/bin');
  });

  it('gives 4.x the logback files ROCKETMQ_HOME/conf must hold, and no proxy script', () => {
    expect(paths('4.9.7')).toEqual([
      'bin/mqnamesrv',
      'bin/mqbroker',
      'conf/logback_namesrv.xml',
      'conf/logback_broker.xml',
    ]);
    const files = rocketmqImageFiles('4.9.7');
    for (const kind of ['namesrv', 'broker'] as const) {
      const file = files.find((f) => f.path === `conf/logback_${kind}.xml`)!;
      // The same file the local provider writes into a 4.x node's ROCKETMQ_HOME, readable by any uid.
      expect(file.text).toBe(legacyLogbackFile(kind, '/any').text);
      expect(file.mode).toBe(0o644);
    }
    expect(files.find((f) => f.path === 'bin/mqbroker')!.text).toContain(MAIN_CLASS.broker);
    expect(files.find((f) => f.path === 'bin/mqbroker')!.mode).toBe(0o755);
  });

  it('gives 5.x no logback files (its jars carry them) and mqproxy only where the version has a proxy jar', () => {
    expect(paths('5.1.4')).toEqual(['bin/mqnamesrv', 'bin/mqbroker']);
    expect(paths('5.3.3')).toEqual(['bin/mqnamesrv', 'bin/mqbroker', 'bin/mqproxy']);
    expect(paths('5.5.0')).toEqual(['bin/mqnamesrv', 'bin/mqbroker', 'bin/mqproxy']);
  });

  it('tags images with different contents differently, so a 4.x image is never taken for another build', () => {
    const revision = (version: string) => localImages(version).rocketmq.split('-').at(-1);
    expect(revision('4.9.7')).not.toBe(revision('5.3.3'));
    expect(revision('5.1.4')).not.toBe(revision('5.3.3'));
    // Same files, same revision: the version in the tag tells them apart.
    expect(revision('5.5.0')).toBe(revision('5.3.3'));
  });
});
