import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  classArchiveFlags,
  classArchivePath,
  hasClassArchives,
  javaBuildKey,
} from '../../../src/setup/class-archives.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function libDir(): string {
  const home = mkdtempSync(join(tmpdir(), 'rmq-chaos-cds-test-'));
  dirs.push(home);
  mkdirSync(join(home, 'lib'));
  return join(home, 'lib');
}

function writeArchive(lib: string, kind: 'namesrv' | 'broker'): string {
  const path = classArchivePath(lib, kind);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'jsa');
  return path;
}

describe('class archives', () => {
  it('lives beside the jars, named after the kind and the Java build', () => {
    const lib = libDir();
    expect(classArchivePath(lib, 'broker', 'abc')).toBe(join(dirname(lib), 'class-archives', 'broker-java-abc.jsa'));
    expect(javaBuildKey()).toMatch(/^[0-9a-f]{12}$/);
    // Not the hash of nothing: the key comes from what `java -version` printed.
    expect(javaBuildKey()).not.toBe('e3b0c44298fc');
    expect(javaBuildKey()).toBe(javaBuildKey());
  });

  it('maps the archive of a kind that has one, and starts the others without', () => {
    const lib = libDir();
    expect(classArchiveFlags(lib, 'broker')).toEqual([]);
    expect(hasClassArchives(lib)).toBe(false);
    const broker = writeArchive(lib, 'broker');
    expect(classArchiveFlags(lib, 'broker')).toEqual([`-XX:SharedArchiveFile=${broker}`]);
    expect(classArchiveFlags(lib, 'namesrv')).toEqual([]);
    expect(hasClassArchives(lib)).toBe(false);
    writeArchive(lib, 'namesrv');
    expect(hasClassArchives(lib)).toBe(true);
    // Proxies and controllers get none: they start in few runs.
    expect(classArchiveFlags(lib, 'proxy')).toEqual([]);
    expect(classArchiveFlags(lib, 'controller')).toEqual([]);
  });
});
