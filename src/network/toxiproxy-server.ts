/**
 * One Toxiproxy server per run, started through RunResources like every JVM (so the
 * watchdog and `cleanup` reap it), its API on a port claimed in the run state. Ready when
 * its HTTP API answers; the binary is the one `setup` built into the cache.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagedProcess } from '../runtime/managed-process.ts';
import { allocatePortBlocks } from '../runtime/ports.ts';
import type { RunResources } from '../runtime/run-resources.ts';
import { cachePaths } from '../setup/cache-dir.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';

export const TOXIPROXY_API_HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;

export interface ToxiproxyServerOptions {
  log?: (line: string) => void;
  /** Seeds Toxiproxy's own randomness (toxicity, latency jitter), so a run repeats. */
  seed?: number;
  /** An already claimed port; by default one is allocated like the cluster's. */
  port?: number;
  /** Default: the cached `toxiproxy-server`. */
  binary?: string;
  leaveRunning?: boolean;
}

export interface ToxiproxyServer {
  readonly apiUrl: string;
  readonly client: ToxiproxyClient;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startToxiproxyServer(
  resources: RunResources,
  options: ToxiproxyServerOptions = {},
): Promise<ToxiproxyServer> {
  const port = options.port ?? (await allocatePortBlocks(cachePaths().runs, resources.state, [1]))[0]![0]!;
  const dir = join(resources.workDir, 'toxiproxy');
  mkdirSync(dir, { recursive: true });
  const args = ['-host', TOXIPROXY_API_HOST, '-port', String(port)];
  if (options.seed !== undefined) args.push('-seed', String(options.seed));
  const proc = resources.spawn({
    name: 'toxiproxy',
    command: options.binary ?? cachePaths().toxiproxyServer,
    args,
    cwd: dir,
    // Toxiproxy logs every API request at debug level; a flapping link would fill the log.
    env: { ...process.env, LOG_LEVEL: 'info' },
    logFile: join(dir, 'out.log'),
    leaveRunning: options.leaveRunning ?? false,
  });
  const apiUrl = `http://${TOXIPROXY_API_HOST}:${port}`;
  const client = new ToxiproxyClient(apiUrl);
  try {
    const version = await waitForApi(client, proc, READY_TIMEOUT_MS);
    options.log?.(`[toxiproxy] API ${apiUrl} (version ${version}, pid ${proc.pid})`);
  } catch (error) {
    await proc.kill();
    throw error;
  }
  return {
    apiUrl,
    client,
    process: proc,
    async stop() {
      if (proc.hasExited) return;
      const exit = await proc.stop(5000);
      options.log?.(`[toxiproxy] stopped (${exit.signal ?? `exit ${exit.code}`})`);
    },
  };
}

async function waitForApi(client: ToxiproxyClient, proc: ManagedProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc.hasExited) {
      const exit = await proc.exited;
      throw new HarnessError(
        'toxiproxy-exited',
        `[toxiproxy] exited (${exit.signal ?? `code ${exit.code}`}) before its API answered:\n    ` +
          `${exit.lastLines.join('\n    ')}`,
      );
    }
    try {
      return await client.version();
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(50);
  }
  throw new HarnessError(
    'readiness-timeout',
    `[toxiproxy] API ${client.apiUrl} did not answer within ${timeoutMs} ms (${lastError})`,
  );
}
