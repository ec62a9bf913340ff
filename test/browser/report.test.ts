/**
 * The run page in a real browser: the zombie-consumer fixture rendered by the html writer and
 * opened from disk in headless Chromium. Checks that it draws (charts, fault bands, lanes,
 * diagnoses), logs no error and requests nothing but its own file. Leaves a screenshot in
 * test-results/report.png to look at.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunSummary } from '../../src/report/run-files.ts';
import { htmlWriter } from '../../src/report/writers/html.ts';

const CHROMIUM = '/usr/bin/chromium';
const FIXTURE = resolve('test/fixtures/runs/zombie-consumer');
const SCREENSHOT = resolve('test-results/report.png');

describe('run page in Chromium (zombie-consumer fixture)', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    // The writer puts index.html beside the raw files; the fixture itself stays untouched.
    dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-report-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const file = await htmlWriter.write(await readRunSummary(dir), dir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    if (page) {
      mkdirSync(resolve('test-results'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.log(`screenshot: ${SCREENSHOT}`);
    }
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the verdict and the plan', async () => {
    await expect(page.locator('#verdict .verdict-word').textContent()).resolves.toBe('PASS');
    await expect(page.locator('#verdict h1').textContent()).resolves.toBe('zombie-consumer');
    await expect(page.locator('#plan').textContent()).resolves.toContain('5.3.3');
  });

  it('draws every chart: series lines in their colours, not only axes', async () => {
    const charts = await page.locator('.uplot').count();
    expect(charts).toBe(5);
    // Pixels close to a series colour; axes and grid are grey, so these come from the lines.
    const coloured = await page.evaluate(() => {
      const near = (d: Uint8ClampedArray, i: number, [r, g, b]: number[]) => Math.abs(d[i]! - r!) + Math.abs(d[i + 1]! - g!) + Math.abs(d[i + 2]! - b!) < 60 && d[i + 3]! > 200;
      const count = (chart: string, rgb: number[]) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${chart}"] canvas`)!;
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (near(d, i, rgb)) n++;
        return n;
      };
      return {
        throughputReceived: count('throughput', [0, 158, 115]),
        backlogLedger: count('backlog', [0, 114, 178]),
        latencyP99: count('latency', [213, 94, 0]),
        perInstance: count('per-instance', [0, 114, 178]),
      };
    });
    for (const [chart, pixels] of Object.entries(coloured)) expect(pixels, chart).toBeGreaterThan(200);
  });

  it('shades the pause window on every chart and on the lanes', async () => {
    const bands = page.locator('.fault-band[data-action="pause"]');
    expect(await bands.count()).toBe(5);
    const box = await bands.first().boundingBox();
    // 45 s of an 84 s run across a chart about 1000 px wide.
    expect(box!.width).toBeGreaterThan(300);
    expect(await page.locator('.lane-fault[data-action="pause"]').count()).toBe(1);
    await expect(page.locator('.fault-label').first().textContent()).resolves.toBe('pause billing#1');
  });

  it('draws a lane per consumer: billing#0 takes all four queues while billing#1 is frozen', async () => {
    expect(await page.locator('[data-lane="billing#0"] .lane-seg').count()).toBe(3);
    // billing#1 rebalanced first, alone, so it held all four for 0.1 s before settling on two.
    expect(await page.locator('[data-lane="billing#1"] .lane-seg').count()).toBe(2);
    await expect(page.locator('[data-lane="billing#1"]').textContent()).resolves.toContain('2q · orders@broker-a 2,3');
    expect(await page.locator('[data-lane="billing#1"] .lane-outage[data-kind="pause"]').count()).toBe(1);
    await expect(page.locator('[data-lane="billing#0"]').textContent()).resolves.toContain('4q · orders@broker-a 0,1,2,3');
  });

  it('lists stale-consumer with its evidence and remedy', async () => {
    const stale = page.locator('#diagnoses article[data-id="stale-consumer"]');
    await expect(stale.textContent()).resolves.toContain('billing#1 is still registered');
    await expect(stale.locator('.evidence').textContent()).resolves.toContain('"orders@broker-a/2"');
    await expect(stale.locator('.remedy').textContent()).resolves.toContain('Shut consumers down cleanly');
    expect(await page.locator('#diagnoses article').count()).toBe(3);
  });

  it('has the rebalance, latency, delivery and checks tables', async () => {
    await expect(page.locator('#rebalance').textContent()).resolves.toContain('pause');
    await expect(page.locator('#latency').textContent()).resolves.toContain('46.2 s');
    await expect(page.locator('#delivery').textContent()).resolves.toContain('pause billing#1 at 23.4s');
    await expect(page.locator('#checks').textContent()).resolves.toContain('no-loss');
  });

  it('logs no errors and requests nothing but its own file', () => {
    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
  });
});
