/**
 * The live page's server (`run --live`) with a stand-in run: the token guards the page and
 * the stream, a taken port gives the next one (said), frames arrive as server-sent events
 * while a browser watches and the final one ends the stream, a late connect still gets it,
 * and close frees the port.
 */
import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { readRunSummary } from '../../../src/report/run-files.ts';
import { readRunEvents } from '../../../src/report/run-files.ts';
import { LIVE_HOST } from '../../../src/report/live/listen-port.ts';
import type { LiveFrame } from '../../../src/report/live/live-frame.ts';
import { LiveServer } from '../../../src/report/live/live-server.ts';
import { sseEvent } from '../../../src/report/live/sse.ts';
import type { RunEvent } from '../../../src/result/run-event.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import type { LiveRun } from '../../../src/run/live-feed.ts';

const FIXTURE = 'test/fixtures/runs/flap-duplicates';
const TOKEN = 'a'.repeat(32);

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request({ host: LIVE_HOST, port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

/** An open event stream: the frames received so far, parsed from the raw text. */
function stream(port: number) {
  const raw: string[] = [];
  let ended = false;
  const opened = new Promise<void>((resolve, reject) => {
    request({ host: LIVE_HOST, port, path: `/events?token=${TOKEN}` }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => raw.push(c));
      res.on('end', () => (ended = true));
      resolve();
    })
      .on('error', reject)
      .end();
  });
  const frames = () =>
    raw
      .join('')
      .split('\n\n')
      .filter((block) => block.startsWith('event: frame\n'))
      .map((block) => JSON.parse(block.slice('event: frame\ndata: '.length)) as LiveFrame);
  return { opened, frames, raw, isEnded: () => ended };
}

async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The fixture's run, growing: `rows` of its time series so far. */
async function standInRun(): Promise<{ run: LiveRun; summary: RunSummary; grow: () => void }> {
  const summary = (await readRunSummary(FIXTURE)) as RunSummary;
  const events: RunEvent[] = await readRunEvents(FIXTURE, new Set(['assignment', 'membership', 'worker-start']));
  let rows = 5;
  return {
    summary,
    grow: () => (rows += 5),
    run: {
      runId: summary.run.id,
      events,
      phase: () => 'load',
      snapshot: () => ({ ...summary, timeseries: summary.timeseries.slice(0, rows) }),
    },
  };
}

describe('live server', () => {
  const opened: (LiveServer | Server)[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0))
      await (s instanceof LiveServer ? s.close() : new Promise<void>((r) => s.close(() => r())));
  });
  const start = async (port = 0, log: string[] = []) => {
    const live = await LiveServer.start({ port, log: (l) => log.push(l), token: TOKEN });
    opened.push(live);
    return live;
  };

  it('serves the page and the stream only with the token: 403 without it or with another', async () => {
    const live = await start();
    for (const path of ['/', '/events', `/?token=${'b'.repeat(32)}`, '/events?token=short'])
      expect((await get(live.port, path)).status, path).toBe(403);
    expect((await get(live.port, `/nothing?token=${TOKEN}`)).status).toBe(404);
    const page = await get(live.port, `/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('window.renderRunReport = function');
    expect(page.body).toContain("connect-src 'self'");
    expect(live.url).toBe(`http://127.0.0.1:${live.port}/?token=${TOKEN}`);
  });

  it('takes the next free port when the one asked for is in use, and says so', async () => {
    const taken = createServer();
    opened.push(taken);
    await new Promise<void>((r) => taken.listen(0, LIVE_HOST, () => r()));
    const port = (taken.address() as { port: number }).port;
    const log: string[] = [];
    const live = await start(port, log);
    expect(live.port).toBeGreaterThan(port);
    expect(log[0]).toBe(`live: port ${port} is in use; using ${live.port}`);
    expect(log[1]).toBe(`live: ${live.url}`);
  });

  it('close frees the port and ends open streams', async () => {
    const live = await start();
    const s = stream(live.port);
    await s.opened;
    await live.close();
    await until(s.isEnded, 'the stream to end');
    const again = createServer();
    opened.push(again);
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(live.port, LIVE_HOST, resolve));
    await live.close();
  });

  it('streams a growing frame each tick while watched, then the final frame, and ends the stream', async () => {
    const live = await start();
    const { run, summary, grow } = await standInRun();
    live.begin(run);
    live.tick();
    const s = stream(live.port);
    await s.opened;
    expect(s.raw[0]).toBe('retry: 1000\n\n');
    await until(() => s.frames().length === 1, 'the current frame on connect');
    grow();
    live.tick();
    await until(() => s.frames().length === 2, 'a frame after the tick');
    const [first, second] = s.frames();
    expect(first!.live).toEqual({ state: 'running', phase: 'load' });
    expect(first!.series.t).toHaveLength(5);
    expect(second!.series.t).toHaveLength(10);
    live.ended(summary);
    await until(s.isEnded, 'the stream to end after the final frame');
    const last = s.frames().at(-1)!;
    expect(last.live).toEqual({ state: 'ended', verdict: summary.verdict });
    expect(last.series.t).toHaveLength(summary.timeseries.length);
    // A browser that comes after the end gets the final frame at once, and the stream ends.
    const late = await get(live.port, `/events?token=${TOKEN}`);
    expect(late.body).toContain('"state":"ended"');
    expect(live.watchers).toBe(0);
  });

  it('builds no frame while nobody watches', async () => {
    const live = await start();
    const { run } = await standInRun();
    let built = 0;
    live.begin({ ...run, snapshot: () => (built++, run.snapshot()) });
    for (let i = 0; i < 5; i++) live.tick();
    expect(built).toBe(0);
    const s = stream(live.port);
    await s.opened;
    await until(() => s.frames().length === 1, 'the frame on connect');
    expect(built).toBe(1);
  });
});

describe('server-sent events framing', () => {
  it('names the event, puts each line of the data on its own data: line and ends with a blank line', () => {
    expect(sseEvent('frame', '{"a":1}')).toBe('event: frame\ndata: {"a":1}\n\n');
    expect(sseEvent('frame', 'one\ntwo\r\nthree')).toBe('event: frame\ndata: one\ndata: two\ndata: three\n\n');
  });
});
