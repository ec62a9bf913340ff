/**
 * The headless Chromium that the HTML report's browser test drives (and `rmq-chaos setup
 * --browser` provisions), found or unpacked the way `setup` provisions RocketMQ and Toxiproxy,
 * so a fresh machine needs nothing installed by hand.
 *
 * Order: `CHROMIUM_PATH` (the user chose; missing is an error, not a fallback); a system
 * Chromium at /usr/bin/chromium or /usr/bin/chromium-browser; otherwise the browser inside the
 * `@sparticuz/chromium` npm package (a devDependency: `npm ci` brings it, no download).
 *
 * That package's `executablePath()` unpacks into the OS temp folder under fixed names
 * (`$TMPDIR/chromium`, `$TMPDIR/libGLESv2.so`, ...), so two runs at once would write the same
 * files and a half-written one would be taken as done. Here it unpacks once, under the install
 * lock, into a staging folder of the cache that is renamed into place with a `.complete`
 * marker: idempotent, and every later call is a file check.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { cacheRoot } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { runTool, type SetupLog } from './provision.ts';

export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

export const BUNDLED_CHROMIUM_PACKAGE = '@sparticuz/chromium';

/**
 * Flags for a system Chromium. Besides headless without a sandbox (tests may run as root),
 * they stop the browser's own background traffic (component updates, sync, first-run pings):
 * a closed network refuses those connections, and the test must not depend on them.
 */
export const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export interface BrowserLaunch {
  /** What to pass to playwright's `chromium.launch({ executablePath, args })`. */
  executablePath: string;
  args: string[];
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
  /** One phrase for logs: where this browser comes from. */
  description: string;
}

/** The browser inside the npm package, as much of it as provisioning needs. */
export interface BundledChromium {
  packageName: string;
  version: string;
  /** The package's own launch flags for its binary (headless shell, no sandbox, single process). */
  args: string[];
  /** Unpacks the browser into `folder` (empty) and returns the executable's path inside it. */
  unpackInto(folder: string): Promise<string>;
}

export interface BrowserOptions {
  env?: NodeJS.ProcessEnv;
  systemPaths?: readonly string[];
  /** Cache root; default `cacheRoot(env)` (`RMQ_CHAOS_CACHE` or ~/.cache/rmq-chaos). */
  root?: string;
  /** Loads the npm package; replaced in tests so no real browser is unpacked. */
  loadBundled?: () => Promise<BundledChromium>;
}

export interface BundledChromiumPaths {
  home: string;
  bin: string;
  executable: string;
  marker: string;
}

/** Versioned like the other cache folders: a new package version unpacks beside the old one. */
export function bundledChromiumPaths(root: string, version: string): BundledChromiumPaths {
  const home = join(root, `chromium-${version}`);
  const bin = join(home, 'bin');
  return { home, bin, executable: join(bin, 'chromium'), marker: join(home, '.complete') };
}

/**
 * The browser to launch: found, or unpacked into the cache first (one log line then; nothing
 * when it was there already). Safe to call from several processes at once.
 */
export async function ensureBrowser(log: SetupLog, options: BrowserOptions = {}): Promise<BrowserLaunch> {
  const env = options.env ?? process.env;
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) {
      throw new EnvironmentError(
        'browser-missing',
        `CHROMIUM_PATH=${chosen} does not exist`,
        'point CHROMIUM_PATH at a Chromium executable, or unset it to use a system Chromium or the one npm ' +
          'ci installs (@sparticuz/chromium)',
      );
    }
    return { executablePath: chosen, args: [...SYSTEM_CHROMIUM_ARGS], source: 'CHROMIUM_PATH', description: chosen };
  }
  const system = (options.systemPaths ?? SYSTEM_CHROMIUM_PATHS).find((path) => existsSync(path));
  if (system) {
    return { executablePath: system, args: [...SYSTEM_CHROMIUM_ARGS], source: 'system', description: system };
  }
  const bundled = await (options.loadBundled ?? loadBundledChromium)();
  const executablePath = await ensureBundledChromium(log, bundled, options.root ?? cacheRoot(env));
  return {
    executablePath,
    args: [...bundled.args],
    source: 'npm',
    description: `${bundled.packageName} ${bundled.version} (${executablePath})`,
  };
}

/** The unpacked browser's executable, unpacking it first if the cache lacks it. */
export async function ensureBundledChromium(log: SetupLog, bundled: BundledChromium, root: string): Promise<string> {
  const paths = bundledChromiumPaths(root, bundled.version);
  if (existsSync(paths.marker)) return paths.executable;
  await mkdir(paths.home, { recursive: true });
  await withInstallLock(
    join(root, '.setup-browser.lock'),
    async () => {
      // Another process may have unpacked it while this one waited for the lock.
      if (existsSync(paths.marker)) return;
      const started = performance.now();
      const staging = await mkdtemp(join(paths.home, '.staging-'));
      try {
        const unpacked = await bundled.unpackInto(staging);
        if (unpacked !== join(staging, 'chromium') || !existsSync(unpacked)) {
          throw new EnvironmentError(
            'browser-unpack-failed',
            `${bundled.packageName} ${bundled.version} unpacked to ${unpacked}, expected ${join(staging, 'chromium')}`,
            `remove ${paths.home} and try again; if it persists, the package's layout changed: check ` +
              `${bundled.packageName}'s version in package.json`,
          );
        }
        await rm(paths.bin, { recursive: true, force: true });
        await rename(staging, paths.bin);
        await writeFile(paths.marker, `${new Date().toISOString()}\n`);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      log(
        `Chromium from ${bundled.packageName} ${bundled.version}: unpacking into ${paths.bin}: done in ` +
          `${((performance.now() - started) / 1000).toFixed(1)}s`,
      );
    },
    () => log(`another process is unpacking Chromium into ${paths.home}; waiting for it`),
  );
  return paths.executable;
}

/**
 * `@sparticuz/chromium`, imported only when needed: it is a devDependency, absent where the
 * harness is installed for runs only, and the harness must still load there.
 */
export async function loadBundledChromium(
  importer: () => Promise<{ default: { args: string[] } }> = () => import('@sparticuz/chromium'),
): Promise<BundledChromium> {
  let args: string[];
  let entry: string;
  try {
    args = (await importer()).default.args;
    entry = createRequire(import.meta.url).resolve(BUNDLED_CHROMIUM_PACKAGE);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new EnvironmentError(
      'browser-missing',
      `no Chromium: CHROMIUM_PATH is unset, none of ${SYSTEM_CHROMIUM_PATHS.join(', ')} exists, and the ` +
        `${BUNDLED_CHROMIUM_PACKAGE} package (a devDependency) is not installed`,
      'run `npm ci` in the project (it installs the devDependencies), or set CHROMIUM_PATH to a Chromium executable',
      { cause: error },
    );
  }
  const root = packageRoot(entry);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    packageName: BUNDLED_CHROMIUM_PACKAGE,
    version,
    args,
    async unpackInto(folder) {
      // The package takes its target from os.tmpdir(), which reads TMPDIR at each call. A child
      // process with TMPDIR set to the staging folder redirects it without changing this
      // process's environment (the test runner and anything else here keep their temp folder).
      await runTool(
        process.execPath,
        ['-e', 'require(process.argv[1]).executablePath(process.argv[2]).then((p) => process.stdout.write(p))', entry],
        folder,
        `unpacking Chromium from ${BUNDLED_CHROMIUM_PACKAGE} ${version} failed`,
        `check free space in ${folder} and run \`npm run rmq-chaos -- setup --browser\` again; or set ` +
          'CHROMIUM_PATH to a Chromium executable',
        { ...process.env, TMPDIR: folder },
      );
      return join(folder, 'chromium');
    },
  };
}

/**
 * The folder of the package's own package.json, from its resolved entry file (build/ has package.json files of its
 * own).
 */
function packageRoot(entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === BUNDLED_CHROMIUM_PACKAGE
    )
      return dir;
  }
  throw new EnvironmentError(
    'browser-missing',
    `cannot find ${BUNDLED_CHROMIUM_PACKAGE}'s package.json above ${entry}`,
  );
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    (error instanceof Error && /Cannot find (package|module) '@sparticuz\/chromium'/.test(error.message))
  );
}
