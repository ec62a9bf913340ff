/**
 * Which container runtime the `containers` provider talks to, and how testcontainers finds it.
 *
 * Order: `DOCKER_HOST` when set (the user chose); Docker's socket at /var/run/docker.sock when
 * it answers; Podman's Docker-compatible API at /run/podman/podman.sock (rootful) or
 * `$XDG_RUNTIME_DIR/podman/podman.sock` (rootless), started here with
 * `podman system service --time=0` when Podman is installed and nothing listens yet. Podman
 * gets the project's containers.conf (runc, lowered ulimits; see podman-config.ts) and Ryuk
 * is disabled for it (Ryuk's image cannot be pulled offline, and the run removes its own
 * containers). Neither: an EnvironmentError naming both ways out.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { cachePaths } from '../../setup/cache-dir.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { sleep } from '../../util/sleep.ts';
import { podmanEnv, writePodmanConfig } from '../../setup/podman-config.ts';

export interface ContainerRuntime {
  kind: 'docker' | 'podman';
  /** `unix:///path` as DOCKER_HOST takes it. */
  dockerHost: string;
  socketPath: string;
  /** The CLI for image builds (`podman` or `docker`). */
  cli: 'podman' | 'docker';
  /** True when this call started the Podman service. */
  started: boolean;
}

export const DOCKER_SOCKET = '/var/run/docker.sock';
export const PODMAN_ROOT_SOCKET = '/run/podman/podman.sock';
const SERVICE_READY_MS = 20_000;

let detected: Promise<ContainerRuntime> | undefined;

/** Detects (once per process) and points testcontainers at it through process.env. */
export function containerRuntime(log: (line: string) => void = () => {}): Promise<ContainerRuntime> {
  detected ??= detect(log).then((runtime) => {
    process.env.DOCKER_HOST = runtime.dockerHost;
    if (runtime.kind === 'podman') process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    return runtime;
  });
  detected.catch(() => {
    detected = undefined;
  });
  return detected;
}

async function detect(log: (line: string) => void): Promise<ContainerRuntime> {
  const fromEnv = process.env.DOCKER_HOST;
  if (fromEnv) {
    const socketPath = fromEnv.startsWith('unix://') ? fromEnv.slice('unix://'.length) : '';
    if (socketPath && !(await pings(socketPath))) {
      throw new EnvironmentError(
        'container-runtime-missing',
        `DOCKER_HOST=${fromEnv} does not answer the Docker API (/_ping)`,
        'start that daemon, or unset DOCKER_HOST to let rmq-chaos find Docker or start Podman',
      );
    }
    const kind = socketPath.includes('podman') ? 'podman' : 'docker';
    return {
      kind,
      dockerHost: fromEnv,
      socketPath,
      cli: kind === 'podman' || !(await hasCommand('docker')) ? 'podman' : 'docker',
      started: false,
    };
  }
  if (existsSync(DOCKER_SOCKET) && (await pings(DOCKER_SOCKET)) && !(await isPodmanSocket(DOCKER_SOCKET))) {
    return {
      kind: 'docker',
      dockerHost: `unix://${DOCKER_SOCKET}`,
      socketPath: DOCKER_SOCKET,
      cli: 'docker',
      started: false,
    };
  }
  if (await hasCommand('podman')) {
    const socketPath = podmanSocketPath();
    const dockerHost = `unix://${socketPath}`;
    if (await pings(socketPath)) return { kind: 'podman', dockerHost, socketPath, cli: 'podman', started: false };
    startPodmanService(socketPath, log);
    const deadline = Date.now() + SERVICE_READY_MS;
    while (Date.now() < deadline) {
      if (await pings(socketPath)) return { kind: 'podman', dockerHost, socketPath, cli: 'podman', started: true };
      await sleep(200);
    }
    throw new EnvironmentError(
      'container-runtime-missing',
      `podman system service did not answer on ${socketPath} within ${SERVICE_READY_MS / 1000} s (log: ` +
        `${serviceLog()})`,
      'run `podman --runtime runc system service --time=0` by hand to see why',
    );
  }
  throw new EnvironmentError(
    'container-runtime-missing',
    'provider containers needs Docker or Podman, and neither is here (no /var/run/docker.sock answering, no ' +
      'podman command)',
    'install Podman (`apt-get install -y podman runc`; rmq-chaos starts its Docker-compatible API) or ' +
      'Docker, or run on JVM processes with --set cluster.provider=local',
  );
}

export function podmanSocketPath(): string {
  if (process.getuid?.() === 0 || !process.env.XDG_RUNTIME_DIR) return PODMAN_ROOT_SOCKET;
  return join(process.env.XDG_RUNTIME_DIR, 'podman', 'podman.sock');
}

function serviceLog(): string {
  return join(cachePaths().root, 'podman', 'service.log');
}

/**
 * The service outlives the run on purpose (later runs reuse it, like a Docker daemon); it is
 * detached, in its own session, and logs to the cache. `rmq-chaos cleanup --all` does not stop it.
 */
function startPodmanService(socketPath: string, log: (line: string) => void): void {
  writePodmanConfig();
  mkdirSync(dirname(socketPath), { recursive: true });
  mkdirSync(dirname(serviceLog()), { recursive: true });
  const out = openSync(serviceLog(), 'a');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    detached: true,
    // The service outlives this process, and conmon needs its working directory for every
    // container it starts: inherited from a folder deleted later (a temporary checkout), every
    // start failed with "Failed to get working directory" (seen here). The log's folder stays.
    cwd: dirname(serviceLog()),
    stdio: ['ignore', out, out],
    env: podmanEnv(),
  });
  child.unref();
  log(
    `podman: started its Docker-compatible API (podman system service --time=0 unix://${socketPath}, pid ` +
      `${child.pid}, runtime runc, log ${serviceLog()})`,
  );
}

/** GET /_ping over the socket: "OK" from Docker and Podman alike. */
export function pings(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return apiGet(socketPath, '/_ping', timeoutMs).then(
    (r) => r?.status === 200,
    () => false,
  );
}

async function isPodmanSocket(socketPath: string): Promise<boolean> {
  const version = await apiGet(socketPath, '/version', 2000).catch(() => undefined);
  return version?.body.includes('Podman') ?? false;
}

function apiGet(
  socketPath: string,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    if (!existsSync(socketPath)) return resolve(undefined);
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
    req.end();
  });
}

function hasCommand(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
