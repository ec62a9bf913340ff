/**
 * Where the browser test's Chromium comes from: CHROMIUM_PATH, then a system Chromium, then
 * the npm package's browser unpacked once into the cache. Temp folders and a fake package
 * stand in for the real ones, so nothing here unpacks 200 MB; the browser test does that.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BundledChromium,
  bundledChromiumPaths,
  ensureBrowser,
  loadBundledChromium,
  SYSTEM_CHROMIUM_ARGS,
} from '../../../src/setup/browser.ts';
import { EnvironmentError } from '../../../src/util/errors.ts';

let dir: string;
let logged: string[];
const log = (line: string) => logged.push(line);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-browser-'));
  logged = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n', { mode: 0o755 });
  return path;
}

/** A package whose unpack writes a stand-in executable, the way the real one lays out its folder. */
function fakeBundled(options: { fail?: boolean } = {}): BundledChromium & { unpacks: number } {
  const fake = {
    packageName: '@sparticuz/chromium',
    version: '1.2.3',
    args: ['--headless=shell', '--no-sandbox'],
    unpacks: 0,
    async unpackInto(folder: string) {
      fake.unpacks++;
      writeFileSync(join(folder, 'libGLESv2.so'), '');
      if (options.fail) throw new EnvironmentError('setup-failed', 'unpacking failed (disk full)');
      writeFileSync(join(folder, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
      return join(folder, 'chromium');
    },
  };
  return fake;
}

const neverLoaded = (): Promise<BundledChromium> => {
  throw new Error('the npm package must not be consulted');
};

describe('browser lookup order', () => {
  it('CHROMIUM_PATH first, even with a system Chromium present, with the quiet-network flags', async () => {
    const chosen = file('my-chromium');
    const launch = await ensureBrowser(log, {
      env: { CHROMIUM_PATH: chosen },
      systemPaths: [file('chromium')],
      loadBundled: neverLoaded,
    });
    expect(launch).toMatchObject({ executablePath: chosen, source: 'CHROMIUM_PATH' });
    expect(launch.args).toEqual([
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ]);
    expect(logged).toEqual([]);
  });

  it('a CHROMIUM_PATH that does not exist is an error naming it, not a silent fallback', async () => {
    const missing = join(dir, 'nope');
    const error = await ensureBrowser(log, {
      env: { CHROMIUM_PATH: missing },
      systemPaths: [file('chromium')],
      loadBundled: neverLoaded,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).code).toBe('browser-missing');
    expect((error as EnvironmentError).message).toBe(`CHROMIUM_PATH=${missing} does not exist`);
    expect((error as EnvironmentError).hint).toMatch(/unset it/);
  });

  it('then the first system Chromium that exists', async () => {
    const second = file('chromium-browser');
    const launch = await ensureBrowser(log, {
      env: {},
      systemPaths: [join(dir, 'chromium'), second],
      loadBundled: neverLoaded,
    });
    expect(launch).toMatchObject({ executablePath: second, source: 'system', args: [...SYSTEM_CHROMIUM_ARGS] });
    expect(logged).toEqual([]);
  });

  it("neither: the npm package's browser, unpacked into the cache once, with the package's own flags", async () => {
    const bundled = fakeBundled();
    const root = join(dir, 'cache');
    const options = { env: {}, systemPaths: [join(dir, 'chromium')], root, loadBundled: async () => bundled };
    const first = await ensureBrowser(log, options);
    const paths = bundledChromiumPaths(root, '1.2.3');
    expect(first).toMatchObject({ executablePath: paths.executable, source: 'npm', args: bundled.args });
    expect(paths.executable).toBe(join(root, 'chromium-1.2.3', 'bin', 'chromium'));
    expect(existsSync(paths.executable)).toBe(true);
    expect(existsSync(join(paths.bin, 'libGLESv2.so'))).toBe(true);
    expect(existsSync(paths.marker)).toBe(true);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(
      new RegExp(`^Chromium from @sparticuz/chromium 1\\.2\\.3: unpacking into ${paths.bin}: done in \\d+\\.\\ds$`),
    );
    // No staging folder left beside it.
    expect(readdirSync(paths.home).sort()).toEqual(['.complete', 'bin']);

    const second = await ensureBrowser(log, options);
    expect(second.executablePath).toBe(paths.executable);
    expect(bundled.unpacks).toBe(1);
    expect(logged).toHaveLength(1);
  });

  it('the cache is RMQ_CHAOS_CACHE when set', async () => {
    const root = join(dir, 'elsewhere');
    const launch = await ensureBrowser(log, {
      env: { RMQ_CHAOS_CACHE: root },
      systemPaths: [],
      loadBundled: async () => fakeBundled(),
    });
    expect(launch.executablePath).toBe(join(root, 'chromium-1.2.3', 'bin', 'chromium'));
  });

  it('two callers at once: one unpacks, the other waits for it and reuses it', async () => {
    const bundled = fakeBundled();
    const options = { env: {}, systemPaths: [], root: join(dir, 'cache'), loadBundled: async () => bundled };
    const [a, b] = await Promise.all([ensureBrowser(log, options), ensureBrowser(log, options)]);
    expect(a.executablePath).toBe(b.executablePath);
    expect(bundled.unpacks).toBe(1);
    expect(logged.filter((line) => line.includes('done in'))).toHaveLength(1);
  });

  it('an unpack that fails leaves nothing that looks complete, and the next call tries again', async () => {
    const root = join(dir, 'cache');
    const options = { env: {}, systemPaths: [], root };
    await expect(
      ensureBrowser(log, { ...options, loadBundled: async () => fakeBundled({ fail: true }) }),
    ).rejects.toThrow(/disk full/);
    const paths = bundledChromiumPaths(root, '1.2.3');
    expect(existsSync(paths.marker)).toBe(false);
    expect(readdirSync(paths.home)).toEqual([]);
    const retry = fakeBundled();
    await ensureBrowser(log, { ...options, loadBundled: async () => retry });
    expect(retry.unpacks).toBe(1);
    expect(existsSync(paths.executable)).toBe(true);
  });

  it('a cache folder without its marker (an interrupted unpack) is unpacked again', async () => {
    const root = join(dir, 'cache');
    const paths = bundledChromiumPaths(root, '1.2.3');
    mkdirSync(paths.bin, { recursive: true });
    writeFileSync(paths.executable, 'half');
    const bundled = fakeBundled();
    await ensureBrowser(log, { env: {}, systemPaths: [], root, loadBundled: async () => bundled });
    expect(bundled.unpacks).toBe(1);
  });
});

describe('the npm package', () => {
  it('is @sparticuz/chromium 147.0.0 with its headless-shell flags (read without unpacking)', async () => {
    const bundled = await loadBundledChromium();
    expect(bundled.version).toBe('147.0.0');
    expect(bundled.args).toContain('--no-sandbox');
    expect(bundled.args).toContain("--headless='shell'");
  });

  it('missing (a run-only install without devDependencies): a typed error that says to run npm ci', async () => {
    const notFound = Object.assign(new Error("Cannot find package '@sparticuz/chromium' imported from browser.ts"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadBundledChromium(() => Promise.reject(notFound)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).code).toBe('browser-missing');
    expect((error as EnvironmentError).message).toMatch(
      /@sparticuz\/chromium package \(a devDependency\) is not installed/,
    );
    expect((error as EnvironmentError).hint).toMatch(/npm ci.*CHROMIUM_PATH/);
  });
});
