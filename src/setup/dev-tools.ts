/**
 * Tools the project's own tests need but runs do not: actionlint, which checks the GitHub
 * Actions workflows. Installed like Toxiproxy (go install into the cache, a `.complete`
 * marker, staged and renamed into place), by `rmq-chaos setup` and on demand by the test
 * that uses it, so a fresh machine needs nothing but Go.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { runTool, type SetupLog } from './provision.ts';
import { requireTool } from './tools.ts';
import { ACTIONLINT_MODULE, ACTIONLINT_VERSION } from './versions.ts';

export interface ActionlintPaths {
  home: string;
  bin: string;
  marker: string;
}

export function actionlintPaths(root = cacheRoot()): ActionlintPaths {
  const home = join(root, `actionlint-${ACTIONLINT_VERSION}`);
  return { home, bin: join(home, 'bin', 'actionlint'), marker: join(home, '.complete') };
}

/** The actionlint binary, installed first if the cache lacks it. Idempotent and safe to call concurrently. */
export async function ensureActionlint(log: SetupLog, root = cacheRoot()): Promise<string> {
  const paths = actionlintPaths(root);
  if (existsSync(paths.marker)) return paths.bin;
  await mkdir(root, { recursive: true });
  await withInstallLock(
    join(root, '.setup-dev-tools.lock'),
    async () => {
      if (existsSync(paths.marker)) return;
      log(`actionlint ${ACTIONLINT_VERSION} with go install: fetching...`);
      const started = performance.now();
      await requireTool('go');
      await mkdir(paths.home, { recursive: true });
      const staging = await mkdtemp(join(paths.home, '.staging-'));
      try {
        await runTool(
          'go',
          ['install', `${ACTIONLINT_MODULE}/cmd/actionlint@${ACTIONLINT_VERSION}`],
          staging,
          'go install of actionlint failed',
          'check that the Go module proxy is reachable (go env GOPROXY) and run `npm run rmq-chaos -- setup` again',
          { ...process.env, GOBIN: staging, CGO_ENABLED: '0' },
        );
        await rm(join(paths.home, 'bin'), { recursive: true, force: true });
        await rename(staging, join(paths.home, 'bin'));
        await writeFile(paths.marker, `${new Date().toISOString()}\n`);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      log(`actionlint ${ACTIONLINT_VERSION}: done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    },
    () => log('another setup is installing actionlint; waiting for it'),
  );
  return paths.bin;
}
