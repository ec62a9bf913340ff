/**
 * `rmq-chaos run --live` end to end: a short real run with one fault (a consumer paused for
 * 3 s), its printed URL opened in a real Chromium. The page must change while the run goes
 * (the throughput chart gains points, the fault's band appears), then show the final frame:
 * the run ended with its verdict, and the page's data is index.html's. The browser comes
 * from src/setup/browser.ts, as in test/browser/report.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBrowser } from '../../src/setup/browser.ts';
import { BIN } from '../support/cli.ts';

const PLAN = `
name: live
description: a short run with one fault, watched live
seed: 1
cluster:
  provider: local
topics:
  - name: live
    queues: 4
fleets:
  producers:
    - name: orders
      topic: live
      rate: 50/s
      messageSize: 128B
  consumers:
    - name: billing
      instances: 2
      subscription:
        live: "*"
phases:
  warmup: 3s
  load: 4s
  chaos: 6s
  heal: 2s
  drain: 20s
faults:
  - name: freeze
    action: pause
    target: billing#1
    phase: chaos
    at: 2s
    duration: 3s
`;

// To look at: the page while the run goes, and its final frame.
const RUNNING_SCREENSHOT = resolve('test-results/live-running.png');
const FINAL_SCREENSHOT = resolve('test-results/live-final.png');

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-live-'));
const reports = join(dir, 'reports');
let browser: Browser | undefined;
let child: ChildProcess | undefined;

beforeAll(async () => {
  const launch = await ensureBrowser((line) => process.stderr.write(`setup: ${line}\n`));
  browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) child.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

/** Points in the page's throughput chart (the uPlot instance the report page keeps). */
function throughputPoints(page: Page): Promise<number> {
  return page.evaluate(() => {
    const report = (window as unknown as { RunReport: { charts: { u: { root: HTMLElement; data: number[][] } }[] } })
      .RunReport;
    const chart = report.charts.find((c) => c.u.root.getAttribute('data-chart') === 'throughput');
    return chart ? chart.u.data[0]!.length : 0;
  });
}

describe('run --live in a real browser', () => {
  it('shows the run changing while it goes, then its final report', async () => {
    const planFile = join(dir, 'live.yaml');
    writeFileSync(planFile, PLAN);
    const started = Date.now();
    const run = spawn(process.execPath, [BIN, 'run', planFile, '--live', '--reports', reports], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = run;
    let stderr = '';
    let stdout = '';
    run.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    run.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => run.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no live URL after 20 s:\n${stderr}`)), 20_000);
      run.stderr.on('data', () => {
        const m = /^live: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})$/m.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    // The first frame comes with the first row, once the cluster is up.
    await page.waitForSelector('body[data-live-state="running"][data-rendered="true"]', { timeout: 60_000 });
    expect(await page.locator('#verdict .verdict-word').textContent()).toBe('LIVE');
    // The first moment: the throughput chart has points (an empty one is a sentence, no chart).
    let before = 0;
    for (const deadline = Date.now() + 30_000; before === 0 && Date.now() < deadline; ) {
      before = await throughputPoints(page);
      if (before === 0) await page.waitForTimeout(200);
    }
    expect(before).toBeGreaterThan(0);
    expect(await page.locator('.fault-band').count()).toBe(0);
    await page.waitForSelector('.fault-band[data-action="pause"]', { state: 'attached', timeout: 30_000 });
    await page.waitForFunction(() => Number(document.body.getAttribute('data-frames')) >= 3, undefined, {
      timeout: 10_000,
    });
    const later = await throughputPoints(page);
    expect(later).toBeGreaterThan(before);
    expect(await page.locator('#live-status').textContent()).toMatch(/^live · /);
    mkdirSync(resolve('test-results'), { recursive: true });
    await page.screenshot({ path: RUNNING_SCREENSHOT, fullPage: true });

    await page.waitForSelector('body[data-live-state="ended"]', { timeout: 60_000 });
    expect(await page.locator('#live-status').textContent()).toMatch(/^the run ended: PASS/);
    expect(await page.locator('#verdict .verdict-word').textContent()).toBe('PASS');
    await page.screenshot({ path: FINAL_SCREENSHOT, fullPage: true });
    const finalFrame = await page.evaluate(() => JSON.parse(document.getElementById('run-data')!.textContent!));
    expect(await exited, `${stdout}\n${stderr}`).toBe(0);

    // The last frame is the final page: index.html's data, plus where the run is.
    const [runDir] = readdirSync(reports).filter((d) => d !== 'index.html');
    const html = readFileSync(join(reports, runDir!, 'index.html'), 'utf8');
    const pageData = JSON.parse(/<script type="application\/json" id="run-data">([\s\S]*?)<\/script>/.exec(html)![1]!);
    const { live, ...frameData } = finalFrame as { live: unknown };
    expect(live).toEqual({ state: 'ended', verdict: 'pass' });
    expect(frameData).toEqual(pageData);
    expect(errors).toEqual([]);
    console.log(`live run: ${before} → ${later} throughput points while watched; ${Date.now() - started} ms in all`);
    await page.close();
  }, 150_000);
});
