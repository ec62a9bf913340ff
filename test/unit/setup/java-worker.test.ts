import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  JAVA_WORKER_SOURCES,
  javaWorkerDir,
  javaWorkerSourceHash,
  provisionJavaWorker,
} from '../../../src/setup/java-worker.ts';
import { nearestVersions, unresolvedArtifact, versionsInRepository } from '../../../src/setup/maven-versions.ts';
import { EnvironmentError } from '../../../src/util/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-java-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the worker's sources to edit. */
function copySources(name: string): string {
  const copy = join(dir, name);
  cpSync(JAVA_WORKER_SOURCES, copy, { recursive: true, filter: (src) => !src.includes('/target') });
  return copy;
}

describe('Java worker cache key', () => {
  it('names protocol, client version and a hash of the sources', () => {
    const hash = javaWorkerSourceHash();
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    expect(javaWorkerDir({ protocol: 'remoting', version: '4.9.7' }, hash, '/cache')).toBe(
      `/cache/java-worker/remoting-4.9.7-${hash}`,
    );
    expect(javaWorkerDir({ protocol: 'grpc', version: '5.0.8' }, hash, '/cache')).toBe(
      `/cache/java-worker/grpc-5.0.8-${hash}`,
    );
  });

  it('changes with a source or pom edit, not with build output or tests', () => {
    const copy = copySources('edit');
    const before = javaWorkerSourceHash(copy);
    expect(before).toBe(javaWorkerSourceHash());
    mkdirSync(join(copy, 'core', 'target'), { recursive: true });
    writeFileSync(join(copy, 'core', 'target', 'x.class'), 'built');
    mkdirSync(join(copy, 'core', 'src', 'test', 'java'), { recursive: true });
    writeFileSync(join(copy, 'core', 'src', 'test', 'java', 'T.java'), 'class T {}');
    expect(javaWorkerSourceHash(copy)).toBe(before);
    writeFileSync(join(copy, 'core', 'src', 'main', 'java', 'Extra.java'), 'class Extra {}');
    const afterSource = javaWorkerSourceHash(copy);
    expect(afterSource).not.toBe(before);
    writeFileSync(join(copy, 'pom.xml'), '<project/>');
    expect(javaWorkerSourceHash(copy)).not.toBe(afterSource);
  });

  it('refuses a version that is no Maven version (it becomes a folder name)', () => {
    expect(() => javaWorkerDir({ protocol: 'remoting', version: '../4.9.7' }, 'abc', '/cache')).toThrow(
      EnvironmentError,
    );
  });
});

describe('Java worker client versions', () => {
  it('recognises Maven failing on the client artifact, not on anything else', () => {
    const out =
      '[ERROR] Failed to execute goal on project rmq-chaos-worker-remoting: Could not resolve dependencies for ' +
      'project io.rmqchaos:rmq-chaos-worker-remoting:jar:1: Could not find artifact ' +
      'org.apache.rocketmq:rocketmq-client:jar:4.9.99 in central (https://repo.maven.apache.org/maven2)';
    expect(unresolvedArtifact(out, 'rocketmq-client', '4.9.99')).toBe(true);
    expect(unresolvedArtifact(out, 'rocketmq-client', '4.9.9')).toBe(false);
    expect(unresolvedArtifact(out, 'rocketmq-client-java', '4.9.99')).toBe(false);
    expect(unresolvedArtifact('[ERROR] COMPILATION ERROR', 'rocketmq-client', '4.9.99')).toBe(false);
  });

  it('offers the releases nearest to the one asked for, pre-releases left out', () => {
    const known = ['4.9.6', '4.9.7', '4.9.8', '5.0.0-ALPHA', '5.0.0', '5.1.0', '5.3.3', '4.8.0'];
    expect(nearestVersions('4.9.99', known)).toEqual(['4.9.7', '4.9.8', '5.0.0', '5.1.0']);
    expect(nearestVersions('1.0.0', known)).toEqual(['4.8.0', '4.9.6']);
    expect(nearestVersions('9.0.0', known, 1)).toEqual(['5.3.3']);
  });

  it('reads versions from maven-metadata files and from version folders holding a jar', () => {
    const artifact = join(dir, 'm2', 'rocketmq-client');
    mkdirSync(join(artifact, '4.9.7'), { recursive: true });
    writeFileSync(join(artifact, '4.9.7', 'rocketmq-client-4.9.7.jar'), '');
    mkdirSync(join(artifact, '4.9.1'), { recursive: true }); // a failed download: no jar
    writeFileSync(
      join(artifact, 'maven-metadata-central.xml'),
      '<metadata><versioning><versions><version>4.9.6</version><version>5.3.3</version></versions>' +
        '</versioning></metadata>',
    );
    expect(versionsInRepository(artifact).sort()).toEqual(['4.9.6', '4.9.7', '5.3.3']);
    expect(versionsInRepository(join(dir, 'm2', 'absent'))).toEqual([]);
  });
});

describe('provisionJavaWorker', () => {
  it('names the tool to install when java or mvn is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-tools-here');
    try {
      const error = await provisionJavaWorker({ protocol: 'remoting', version: '4.9.7' }, () => {}, {
        cacheRoot: join(dir, 'cache'),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).code).toBe('tool-missing');
      expect((error as EnvironmentError).message).toMatch(/^java is not available .*the Java worker is built with it$/);
      expect((error as EnvironmentError).hint).toMatch(/apt-get install/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('uses a complete build without any tool', async () => {
    const root = join(dir, 'cached');
    const built = javaWorkerDir({ protocol: 'grpc', version: '5.0.8' }, javaWorkerSourceHash(), root);
    mkdirSync(built, { recursive: true });
    writeFileSync(join(built, '.complete'), '');
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-tools-here');
    const lines: string[] = [];
    try {
      const build = await provisionJavaWorker({ protocol: 'grpc', version: '5.0.8' }, (l) => lines.push(l), {
        cacheRoot: root,
      });
      expect(build).toEqual({
        classpath: join(built, 'lib', '*'),
        mainClass: 'io.rmqchaos.worker.grpc.GrpcWorker',
        client: 'rocketmq-client-java 5.0.8',
      });
      expect(lines.join('\n')).toContain('cached in');
    } finally {
      process.env.PATH = path;
    }
  });
});
