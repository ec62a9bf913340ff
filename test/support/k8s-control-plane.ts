/**
 * A throwaway Kubernetes control plane on loopback, for tests that want a real API server:
 * etcd and kube-apiserver from the cache (`rmq-chaos setup --k8s`), nothing else. No
 * controllers, scheduler or nodes, so objects are validated, admitted and stored, never run.
 *
 * One object owns all of it, as a run owns its nodes (RunResources): both processes are
 * recorded in a run state under `<cache>/runs/` with a watchdog that kills them if the test
 * process dies, their ports are claimed there like a run's (so side-by-side tests never get
 * them), and `stop()` stops the API server, then etcd, and removes the work folder (etcd's
 * data, the serving certificate, the keys, the token file, the kubeconfig).
 *
 * The API server generates its own self-signed serving certificate (--cert-dir; its CA is in
 * the same file, which the kubeconfig trusts), signs service-account tokens with an RSA key made
 * here with node:crypto, and knows one user, by a random bearer token in a token file, in
 * system:masters; authorization is AlwaysAllow.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ManagedProcess } from '../../src/runtime/managed-process.ts';
import { allocatePortBlocks } from '../../src/runtime/ports.ts';
import { claimRunId, utcStamp } from '../../src/runtime/run-id.ts';
import { RunResources } from '../../src/runtime/run-resources.ts';
import { RunState } from '../../src/runtime/run-state.ts';
import { cachePaths } from '../../src/setup/cache-dir.ts';
import { type K8sBinaryPaths, k8sBinaryPaths } from '../../src/setup/k8s-binaries.ts';

const HOST = '127.0.0.1';

export interface KubectlOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ControlPlaneOptions {
  binaries?: K8sBinaryPaths;
  log?: (line: string) => void;
  /** How long etcd, then the API server, may take to answer (each). */
  readyTimeoutMs?: number;
}

export class LocalControlPlane implements AsyncDisposable {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly resources: RunResources,
    private readonly binaries: K8sBinaryPaths,
    /** `https://127.0.0.1:<port>` */
    readonly server: string,
    /** A kubeconfig whose current context is this control plane's admin. */
    readonly kubeconfig: string,
    readonly apiserver: ManagedProcess,
    readonly etcd: ManagedProcess,
  ) {}

  /** The work folder: etcd's data, certificates, keys, logs; gone after stop(). */
  get workDir(): string {
    return this.resources.workDir;
  }

  static async start(options: ControlPlaneOptions = {}): Promise<LocalControlPlane> {
    const binaries = options.binaries ?? k8sBinaryPaths();
    const log = options.log ?? (() => {});
    const readyMs = options.readyTimeoutMs ?? 60_000;
    const runs = cachePaths().runs;
    const workRoot = join(tmpdir(), 'rmq-chaos');
    const id = claimRunId(`${utcStamp()}-k8s-control-plane`, [runs, workRoot]);
    const workDir = join(workRoot, id);
    const resources = new RunResources(RunState.create(runs, { runId: id, workDir, keep: false }), log);
    resources.startWatchdog();
    try {
      const [etcdPort, peerPort, apiPort] = (await allocatePortBlocks(runs, resources.state, [3]))[0] as number[];
      const etcdUrl = `http://${HOST}:${etcdPort}`;
      const peerUrl = `http://${HOST}:${peerPort}`;
      const etcd = resources.spawn({
        name: 'etcd',
        command: binaries.etcd,
        args: [
          '--name=control-plane',
          `--data-dir=${join(workDir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=control-plane=${peerUrl}`,
          // Thrown away after the test: no fsync, so a busy disk does not slow every write.
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        cwd: workDir,
        env: process.env,
        logFile: join(workDir, 'etcd.log'),
      });
      await waitUntil(etcd, readyMs, `etcd ${etcdUrl}/health`, async () => {
        const health = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.json() as Promise<{ health?: string }>,
        );
        return health.health === 'true';
      });
      log(`[etcd] ${etcdUrl} (pid ${etcd.pid})`);

      const files = writeCredentials(workDir);
      const certDir = join(workDir, 'certs');
      const apiserver = resources.spawn({
        name: 'kube-apiserver',
        command: binaries.kubeApiserver,
        args: [
          `--etcd-servers=${etcdUrl}`,
          `--bind-address=${HOST}`,
          `--advertise-address=${HOST}`,
          `--secure-port=${apiPort}`,
          `--cert-dir=${certDir}`,
          `--token-auth-file=${files.tokens}`,
          '--authorization-mode=AlwaysAllow',
          `--service-account-key-file=${files.publicKey}`,
          `--service-account-signing-key-file=${files.privateKey}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          // Addresses are allocated from it, nothing routes to it.
          '--service-cluster-ip-range=10.0.0.0/24',
          // The `kubernetes` service's endpoints would be 127.0.0.1, which is refused (loopback), every 10 s.
          '--endpoint-reconciler-type=none',
          '--profiling=false',
        ],
        cwd: workDir,
        env: process.env,
        logFile: join(workDir, 'kube-apiserver.log'),
      });
      // Stopped before etcd (cleanups run before the sweep of the other processes): without its
      // storage, the API server's graceful shutdown waits for it.
      resources.defer('kube-apiserver', async () => {
        await apiserver.stop(5_000);
      });
      const server = `https://${HOST}:${apiPort}`;
      const ca = join(certDir, 'apiserver.crt');
      await waitUntil(apiserver, readyMs, `${server}/readyz`, async () => {
        if (!existsSync(ca)) return false;
        return (await httpsStatus(`${server}/readyz`, readFileSync(ca), files.token)) === 200;
      });
      log(`[kube-apiserver] ${server} (pid ${apiserver.pid}) ready`);
      const kubeconfig = join(workDir, 'kubeconfig');
      writeFileSync(kubeconfig, kubeconfigText(server, ca, files.token), { mode: 0o600 });
      return new LocalControlPlane(resources, binaries, server, kubeconfig, apiserver, etcd);
    } catch (error) {
      await resources.release(2_000);
      throw error;
    }
  }

  /** kubectl (the cache's, the server's version) against this control plane; never throws on a non-zero exit. */
  kubectl(args: readonly string[]): Promise<KubectlOutput> {
    return new Promise((resolve, reject) => {
      execFile(
        this.binaries.kubectl,
        ['--kubeconfig', this.kubeconfig, ...args],
        { timeout: 60_000, maxBuffer: 16 << 20 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') return reject(error);
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });
  }

  /** Stops the API server, then etcd, and removes the work folder. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.resources.release(5_000).then(() => undefined);
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

interface Credentials {
  token: string;
  tokens: string;
  publicKey: string;
  privateKey: string;
}

function writeCredentials(workDir: string): Credentials {
  const dir = join(workDir, 'credentials');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const token = randomBytes(24).toString('hex');
  const files = {
    token,
    tokens: join(dir, 'tokens.csv'),
    publicKey: join(dir, 'service-account.pub'),
    privateKey: join(dir, 'service-account.key'),
  };
  // token,user,uid,"group1,group2"
  writeFileSync(files.tokens, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  writeFileSync(files.publicKey, publicKey, { mode: 0o600 });
  writeFileSync(files.privateKey, privateKey, { mode: 0o600 });
  return files;
}

function kubeconfigText(server: string, ca: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority': ca } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'admin' } }],
    'current-context': 'local',
  });
}

/** Polls `ready` every 200 ms until it is true; fails at once, with its last lines, if the process exits. */
async function waitUntil(
  proc: ManagedProcess,
  timeoutMs: number,
  what: string,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (proc.hasExited) {
      const exit = await proc.exited;
      throw new Error(
        `[${proc.name}] exited (${exit.signal ?? `code ${exit.code}`}) before ${what} answered; last output:\n    ` +
          exit.lastLines.join('\n    '),
      );
    }
    try {
      if (await ready()) return;
      last = 'not ready';
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new Error(`[${proc.name}] ${what} not ready within ${timeoutMs} ms (${last}); see ${proc.options.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function httpsStatus(url: string, ca: Buffer, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
