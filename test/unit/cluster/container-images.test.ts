/**
 * Which images a containerized cluster runs (cluster/containers/images.ts), against an
 * in-memory image store, and the start-script contract the official image sets: heap in
 * HEAP_OPTS, JAVA_OPT_EXT appended last and never choosing a collector.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveImages, type ImageStore } from '../../../src/cluster/containers/images.ts';
import { rocketmqEnvironment } from '../../../src/cluster/containers/node-containers.ts';
import type { ProviderContext } from '../../../src/cluster/provider.ts';
import { containersProvider } from '../../../src/cluster/providers/containers.ts';
import { localImages, officialImages, startScript } from '../../../src/setup/container-images.ts';
import { ROCKETMQ_VERSION } from '../../../src/setup/versions.ts';
import { EnvironmentError, UsageError } from '../../../src/util/errors.ts';

const V = ROCKETMQ_VERSION;
const OFFICIAL_IMAGES = officialImages(V);
const IMAGES = localImages(V);

function store(present: string[], pullable: string[] = []) {
  const calls: string[] = [];
  const s: ImageStore = {
    exists: async (ref) => present.includes(ref),
    pull: async (ref) => {
      calls.push(`pull ${ref}`);
      if (!pullable.includes(ref))
        throw new Error(
          `initializing source docker://${ref}: pinging container registry: dial tcp: lookup: no such host\n(more)`,
        );
    },
    buildLocal: async (which, version) => {
      calls.push(
        `build ${Object.entries(which)
          .filter(([, on]) => on)
          .map(([k]) => k)
          .join('+')} ${version}`,
      );
    },
  };
  return { store: s, calls };
}

describe('container images', () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  it('takes the official images when present, without pulling or building', async () => {
    const { store: s, calls } = store([OFFICIAL_IMAGES.rocketmq, OFFICIAL_IMAGES.toxiproxy]);
    const images = await resolveImages({ rocketmq: 'official', toxiproxy: 'official' }, V, s, log);
    expect(images).toEqual({
      rocketmq: { ref: OFFICIAL_IMAGES.rocketmq, source: 'official' },
      toxiproxy: { ref: OFFICIAL_IMAGES.toxiproxy, source: 'official' },
    });
    expect(calls).toEqual([]);
  });

  it('pulls an official image that is missing', async () => {
    const { store: s, calls } = store([OFFICIAL_IMAGES.toxiproxy], [OFFICIAL_IMAGES.rocketmq]);
    const images = await resolveImages({ rocketmq: 'official', toxiproxy: 'official' }, V, s, log);
    expect(images.rocketmq).toEqual({ ref: OFFICIAL_IMAGES.rocketmq, source: 'official' });
    expect(calls).toEqual([`pull ${OFFICIAL_IMAGES.rocketmq}`]);
  });

  it('falls back to the local build, only for the image that cannot be pulled, and says why', async () => {
    lines.length = 0;
    const { store: s, calls } = store([OFFICIAL_IMAGES.toxiproxy]);
    const images = await resolveImages({ rocketmq: 'official', toxiproxy: 'official' }, V, s, log);
    expect(images.rocketmq).toMatchObject({
      ref: IMAGES.rocketmq,
      source: 'local',
      fallbackReason: expect.stringContaining('no such host'),
    });
    expect(images.rocketmq.fallbackReason).not.toContain('(more)');
    expect(images.toxiproxy).toEqual({ ref: OFFICIAL_IMAGES.toxiproxy, source: 'official' });
    expect(calls).toEqual([`pull ${OFFICIAL_IMAGES.rocketmq}`, `build rocketmq ${V}`]);
    expect(lines.join('\n')).toContain(`using the locally built ${IMAGES.rocketmq} instead`);
  });

  it('local builds without asking any registry', async () => {
    const { store: s, calls } = store([]);
    const images = await resolveImages({ rocketmq: 'local', toxiproxy: 'local' }, V, s, log);
    expect(images).toEqual({
      rocketmq: { ref: IMAGES.rocketmq, source: 'local' },
      toxiproxy: { ref: IMAGES.toxiproxy, source: 'local' },
    });
    expect(calls).toEqual([`build rocketmq+toxiproxy ${V}`]);
  });

  it("names the cluster's server version: apache/rocketmq:<version>, else that version's local build", async () => {
    lines.length = 0;
    const { store: s, calls } = store([OFFICIAL_IMAGES.toxiproxy]);
    const images = await resolveImages({ rocketmq: 'official', toxiproxy: 'official' }, '4.9.7', s, log);
    expect(calls[0]).toBe('pull docker.io/apache/rocketmq:4.9.7');
    expect(images.rocketmq.ref).toMatch(/^localhost\/rmq-chaos\/rocketmq:4\.9\.7-[0-9a-f]{8}$/);
    expect(images.rocketmq.ref).toBe(localImages('4.9.7').rocketmq);
    expect(calls.slice(1)).toEqual(['build rocketmq 4.9.7']);
    expect(lines.join('\n')).toContain(
      `image docker.io/apache/rocketmq:4.9.7: cannot be pulled (initializing source docker://docker.io/apache/` +
        `rocketmq:4.9.7: pinging container registry: dial tcp: lookup: no such host); using the locally built ` +
        `${localImages('4.9.7').rocketmq} instead (cluster.images.rocketmq: local skips the pull)`,
    );
    // The Toxiproxy image does not depend on the server version.
    expect(images.toxiproxy).toEqual({ ref: OFFICIAL_IMAGES.toxiproxy, source: 'official' });
  });

  it('a named image that can be neither found nor pulled is an error naming it and the way out', async () => {
    const { store: s } = store([OFFICIAL_IMAGES.toxiproxy]);
    const error = await resolveImages(
      { rocketmq: 'registry.example/rocketmq:5.3.3-patched', toxiproxy: 'official' },
      V,
      s,
      log,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toMatch(
      // line-length: a regular expression literal cannot be cut, and the message it matches is this long
      /^image registry\.example\/rocketmq:5\.3\.3-patched \(cluster\.images\.rocketmq\) is not present and could not be pulled: initializing source/,
    );
    expect((error as EnvironmentError).hint).toContain('cluster.images.rocketmq to official or local');
  });

  it('a named image that is present is used as it is', async () => {
    const { store: s, calls } = store(['registry.example/rocketmq:5.3.3-patched', OFFICIAL_IMAGES.toxiproxy]);
    const images = await resolveImages(
      { rocketmq: 'registry.example/rocketmq:5.3.3-patched', toxiproxy: 'official' },
      V,
      s,
      log,
    );
    expect(images.rocketmq).toEqual({ ref: 'registry.example/rocketmq:5.3.3-patched', source: 'custom' });
    expect(calls).toEqual([]);
  });
});

describe('the containers provider and the server version', () => {
  it('refuses a proxy on a version without one before it asks for a runtime or an image', async () => {
    const spec = {
      clusterName: 'c',
      version: '4.9.7',
      namesrv: 1,
      brokers: 1,
      slavesPerMaster: 0,
      proxy: true,
      heapBytes: 256 * 1024 * 1024,
      brokerConfig: {},
      namesrvConfig: {},
    };
    // Nothing of the context is reached: the refusal comes first.
    const error = await containersProvider.start(spec, {} as ProviderContext).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('RocketMQ 4.9.7 has no proxy to run in a container');
    expect((error as UsageError).hint).toBe('set cluster.proxy: false, or cluster.version to one of 5.3.3, 5.5.0');
  });
});

describe("the RocketMQ containers' JVM options", () => {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-start-script-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'put the heap in HEAP_OPTS ' + 'and choose no collector in JAVA_OPT_EXT (the official scripts choose G1 or CMS)',
    () => {
      const env = rocketmqEnvironment(256 * 1024 * 1024);
      expect(env.HEAP_OPTS).toBe('-Xms256m -Xmx256m -XX:MaxDirectMemorySize=256m');
      expect(env.JAVA_OPT_EXT).not.toMatch(/-XX:\+Use\w*GC/);
      expect(env.JAVA_OPT_EXT).not.toMatch(/-Xm[sx]/);
    },
  );

  it("our image's start script runs java with HEAP_OPTS, one collector, then JAVA_OPT_EXT, then the arguments", () => {
    // A stand-in `java` that prints its arguments one per line.
    writeFileSync(join(dir, 'java'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    chmodSync(join(dir, 'java'), 0o755);
    writeFileSync(join(dir, 'mqbroker'), startScript('org.apache.rocketmq.broker.BrokerStartup'));
    const env = { PATH: `${dir}:/usr/bin:/bin`, ...rocketmqEnvironment(128 * 1024 * 1024) };
    const run = spawnSync('sh', [join(dir, 'mqbroker'), '-c', '/home/rocketmq/broker.conf'], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const args = run.stdout.trim().split('\n');
    expect(args.slice(0, 3)).toEqual(['-Xms128m', '-Xmx128m', '-XX:MaxDirectMemorySize=128m']);
    expect(args.filter((a) => /^-XX:\+Use\w*GC$/.test(a))).toEqual(['-XX:+UseSerialGC']);
    const ext = env.JAVA_OPT_EXT.split(' ');
    const cp = args.indexOf('-cp');
    expect(args.slice(cp - ext.length, cp)).toEqual(ext);
    expect(args.slice(cp + 1)).toEqual([
      '/opt/rocketmq/lib/*',
      'org.apache.rocketmq.broker.BrokerStartup',
      '-c',
      '/home/rocketmq/broker.conf',
    ]);
  });

  it("our image's start script falls back to a 256 MiB heap without HEAP_OPTS", () => {
    writeFileSync(join(dir, 'mqnamesrv'), startScript('org.apache.rocketmq.namesrv.NamesrvStartup'));
    const run = spawnSync('sh', [join(dir, 'mqnamesrv')], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
    expect(run.stdout.trim().split('\n').slice(0, 2)).toEqual(['-Xms256m', '-Xmx256m']);
  });
});
