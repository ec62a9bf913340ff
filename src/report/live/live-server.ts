/**
 * `run --live`: the run's report page, served while the run goes. node:http on 127.0.0.1, a
 * random token in the URL (the page and the event stream answer 403 without it), the page at
 * `/`, its frames as server-sent events at `/events`: one each time the run closes a row, while
 * someone watches, and the final report's data when the run ends. A browser that connects after
 * the end still gets that last frame, until the run command closes the server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RunSummary } from '../../result/run-summary.ts';
import type { LiveFeed, LiveRun } from '../../run/live-feed.ts';
import { describeError } from '../../util/errors.ts';
import { LIVE_HOST, listenFrom } from './listen-port.ts';
import { type LiveFrame, liveFrame, stoppedFrame } from './live-frame.ts';
import { renderLivePage } from './live-page.ts';
import { sseEvent, sseRetry } from './sse.ts';

export const FRAME_EVENT = 'frame';

export interface LiveServerOptions {
  /** 0: one the system picks; else this one, or the next free one above it. */
  port: number;
  /** Where it says which port it took, and why a frame could not be built. */
  log: (line: string) => void;
  /** The URL's token; a random one by default (tests give their own). */
  token?: string;
}

export class LiveServer implements LiveFeed {
  readonly url: string;
  private run: LiveRun | undefined;
  private frame: LiveFrame | null = null;
  /** The run moved on since `frame` was built (frames are built only when someone watches). */
  private stale = false;
  private finished = false;
  private readonly streams = new Set<ServerResponse>();
  private frameError: string | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly token: string,
    private readonly log: (line: string) => void,
  ) {
    this.url = `http://${LIVE_HOST}:${port}/?token=${token}`;
  }

  /** Listens (said on `log`: the URL, and the port taken when the asked one was in use). */
  static async start(options: LiveServerOptions): Promise<LiveServer> {
    const token = options.token ?? randomBytes(16).toString('hex');
    let live: LiveServer | undefined;
    const server = createServer((req, res) => {
      if (live) live.handle(req, res);
      else res.writeHead(503).end();
    });
    const port = await listenFrom(server, options.port);
    live = new LiveServer(server, port, token, options.log);
    if (options.port !== 0 && port !== options.port) options.log(`live: port ${options.port} is in use; using ${port}`);
    options.log(`live: ${live.url}`);
    return live;
  }

  /** How many browsers hold the event stream open now. */
  get watchers(): number {
    return this.streams.size;
  }

  begin(run: LiveRun): void {
    this.run = run;
  }

  tick(): void {
    if (this.finished) return;
    this.stale = true;
    if (this.streams.size > 0) this.broadcast(this.currentFrame());
  }

  /** The run reached its verdict: the final report's data is the last frame. */
  ended(summary: RunSummary): void {
    this.finish(liveFrame(summary, this.run?.events ?? [], { state: 'ended', verdict: summary.verdict }));
  }

  /** The run stopped before its verdict: the last frame stays, marked stopped with why. */
  stopped(reason: string): void {
    if (this.finished) return;
    this.finish(stoppedFrame(this.stale ? this.currentFrame() : this.frame, reason));
  }

  /** Ends every stream and stops listening; the port is free when it resolves. Safe to call twice. */
  async close(): Promise<void> {
    for (const res of this.streams) res.end();
    this.streams.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private finish(frame: LiveFrame | null): void {
    this.finished = true;
    this.stale = false;
    this.frame = frame;
    this.broadcast(frame);
    // The last word: the streams end, the browsers close theirs on the final state.
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  /** The frame for now: built again when the run moved on since the last one. */
  private currentFrame(): LiveFrame | null {
    if (!this.stale || !this.run || this.finished) return this.frame;
    this.stale = false;
    try {
      this.frame = liveFrame(this.run.snapshot(), this.run.events, { state: 'running', phase: this.run.phase() });
      this.frameError = undefined;
    } catch (error) {
      // Said once, not every second; the page keeps its last frame.
      const said = describeError(error);
      if (said !== this.frameError) this.log(`live: could not build a frame: ${said}`);
      this.frameError = said;
    }
    return this.frame;
  }

  private broadcast(frame: LiveFrame | null): void {
    if (!frame) return;
    const message = sseEvent(FRAME_EVENT, JSON.stringify(frame));
    for (const res of this.streams) res.write(message);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${LIVE_HOST}`);
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    if (url.pathname !== '/' && url.pathname !== '/events') return void res.writeHead(404).end();
    if (!this.tokenMatches(url.searchParams.get('token')))
      return void res.writeHead(403, { 'content-type': 'text/plain' }).end('rmq-chaos live: wrong or missing token\n');
    if (url.pathname === '/events') this.openStream(res);
    else void this.sendPage(res);
  }

  private tokenMatches(given: string | null): boolean {
    if (given === null) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private openStream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(sseRetry(1000));
    const frame = this.currentFrame();
    if (frame) res.write(sseEvent(FRAME_EVENT, JSON.stringify(frame)));
    if (this.finished) return void res.end();
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private async sendPage(res: ServerResponse): Promise<void> {
    try {
      const html = await renderLivePage(this.currentFrame(), this.run?.runId);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
    } catch (error) {
      this.log(`live: could not render the page: ${describeError(error)}`);
      res.writeHead(500).end();
    }
  }
}
