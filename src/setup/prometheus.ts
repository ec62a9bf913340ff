/**
 * A real Prometheus for the test that scrapes `run --out prometheus`: Debian's package, fetched
 * with `apt-get download` (no root, no install: the .deb goes to a staging folder) and unpacked
 * with `dpkg-deb -x` into the cache. Runs never need it; `rmq-chaos setup` installs it when it
 * can and the test asks for it on demand, so a Debian machine needs nothing installed by hand.
 * Elsewhere (no apt-get) the error says so and the test that needs it skips, saying why.
 *
 * Debian's package rather than `go install` of Prometheus: the Go build of the server is several
 * minutes here, and it is the same scraper operators run from their distribution.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { cacheRoot } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { runTool, type SetupLog } from './provision.ts';

export interface PrometheusPaths {
  home: string;
  bin: string;
  /** Holds the unpacked package's file name (its version) once complete. */
  marker: string;
}

export function prometheusPaths(root = cacheRoot()): PrometheusPaths {
  const home = join(root, 'prometheus-debian');
  return { home, bin: join(home, 'root', 'usr', 'bin', 'prometheus'), marker: join(home, '.complete') };
}

/** The prometheus binary and the Debian package it came from, unpacked first if the cache lacks it. */
export async function ensurePrometheus(log: SetupLog, root = cacheRoot()): Promise<{ bin: string; deb: string }> {
  const paths = prometheusPaths(root);
  const done = () => ({ bin: paths.bin, deb: readFileSync(paths.marker, 'utf8').trim() });
  if (existsSync(paths.marker)) return done();
  await mkdir(paths.home, { recursive: true });
  await withInstallLock(
    join(paths.home, '.install.lock'),
    async () => {
      if (existsSync(paths.marker)) return;
      for (const tool of ['apt-get', 'dpkg-deb'])
        if (!existsSync(`/usr/bin/${tool}`))
          throw new EnvironmentError(
            'setup-failed',
            "Prometheus (for the --out prometheus test) comes from Debian's package here, " +
              `and this machine has no ${tool}`,
            'put a prometheus binary at ' + paths.bin + ', or run the tests on Debian or Ubuntu',
          );
      log("Prometheus from Debian's package (apt-get download, dpkg-deb -x): fetching...");
      const started = performance.now();
      const staging = await mkdtemp(join(paths.home, '.staging-'));
      try {
        await runTool(
          'apt-get',
          ['download', 'prometheus'],
          staging,
          'apt-get download prometheus failed',
          'the package lists may be empty: run `apt-get update` (as root) once, then setup again',
        );
        const deb = readdirSync(staging).find((f) => f.endsWith('.deb'));
        if (!deb)
          throw new EnvironmentError('setup-failed', 'apt-get download prometheus left no .deb', 'run setup again');
        await runTool('dpkg-deb', ['-x', deb, 'root'], staging, `dpkg-deb -x ${deb} failed`, 'run setup again');
        await rm(join(paths.home, 'root'), { recursive: true, force: true });
        await rename(join(staging, 'root'), join(paths.home, 'root'));
        await writeFile(paths.marker, `${deb}\n`);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      log(`Prometheus: done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    },
    () => log('another setup is unpacking Prometheus; waiting for it'),
  );
  return done();
}
