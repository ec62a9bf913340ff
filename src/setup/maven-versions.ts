/**
 * Which versions of an org.apache.rocketmq artifact Maven can resolve, and the ones nearest a
 * version it cannot: a wrong `clientVersion` or `cluster.version` fails with the versions to use.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { runTool } from './run-tool.ts';

/** True when Maven's failure is the artifact itself missing (not the network, not a compile error). */
export function unresolvedArtifact(mavenOutput: string, artifact: string, version: string): boolean {
  const escaped = `${artifact}:(?:jar|pom):${version}`.replace(/[.+]/g, '\\$&');
  return new RegExp(`org\\.apache\\.rocketmq:${escaped}\\b`).test(mavenOutput);
}

/**
 * Versions of the artifact Maven can resolve: those listed in its maven-metadata.xml (fetched
 * through Maven, so mirrors and proxies of ~/.m2/settings.xml apply; skipped when offline) and
 * those already in the local repository.
 */
export async function knownVersions(artifact: string, m2: string, scratch: string): Promise<string[]> {
  await runTool(
    'mvn',
    ['-B', '-q', 'dependency:get', `-Dartifact=org.apache.rocketmq:${artifact}:LATEST:pom`, '-Dtransitive=false'],
    scratch,
    'Maven could not read the version list',
    '',
  ).catch(() => undefined);
  return versionsInRepository(join(m2, 'org', 'apache', 'rocketmq', artifact));
}

/** Versions in a local repository folder: each maven-metadata*.xml `<version>`, each version folder with a jar. */
export function versionsInRepository(artifactDir: string): string[] {
  if (!existsSync(artifactDir)) return [];
  const versions = new Set<string>();
  for (const name of readdirSync(artifactDir)) {
    const path = join(artifactDir, name);
    if (/^maven-metadata.*\.xml$/.test(name)) {
      for (const m of readFileSync(path, 'utf8').matchAll(/<version>([^<]+)<\/version>/g)) versions.add(m[1]!.trim());
    } else if (statSync(path).isDirectory() && readdirSync(path).some((f) => f.endsWith('.jar'))) {
      versions.add(name);
    }
  }
  return [...versions];
}

/** Numeric parts of a version ("4.9.7" → [4, 9, 7]; a qualifier such as "-ALPHA" sorts it below the release). */
function versionKey(version: string): number[] {
  const [release = '', qualifier] = version.split('-', 2);
  const parts = release.split('.').map((p) => Number.parseInt(p, 10) || 0);
  while (parts.length < 3) parts.push(0);
  return [...parts, qualifier ? -1 : 0];
}

function compareVersions(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/** Up to `count` releases on each side of `wanted` (pre-releases left out), closest first within each side. */
export function nearestVersions(wanted: string, known: readonly string[], count = 2): string[] {
  const releases = [...new Set(known)].filter((v) => !v.includes('-') && v !== wanted).sort(compareVersions);
  const below = releases.filter((v) => compareVersions(v, wanted) < 0).slice(-count);
  const above = releases.filter((v) => compareVersions(v, wanted) > 0).slice(0, count);
  return [...below, ...above];
}

/**
 * The error for an artifact version Maven cannot resolve, naming the nearest versions of
 * `listedArtifact` that do. `hint` turns them into what to change (none when Maven lists none).
 */
export async function unresolvedVersionError(options: {
  code: string;
  artifact: string;
  version: string;
  listedArtifact: string;
  m2: string;
  scratch: string;
  hint: (nearest: string[]) => string;
  cause: unknown;
}): Promise<EnvironmentError> {
  const { artifact, version } = options;
  const nearest = nearestVersions(version, await knownVersions(options.listedArtifact, options.m2, options.scratch));
  return new EnvironmentError(
    options.code,
    `Maven cannot resolve org.apache.rocketmq:${artifact}:${version}` +
      (nearest.length > 0 ? `; the nearest versions that resolve: ${nearest.join(', ')}` : ''),
    options.hint(nearest),
    { cause: options.cause },
  );
}
