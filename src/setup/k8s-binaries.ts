/**
 * A real Kubernetes API server for the test that dry-runs every rendered manifest on one
 * (test/integration/k8s-apiserver.test.ts): etcd, kube-apiserver and kubectl, built from the
 * Go module proxy into `<cache>/k8s-<version>/bin` by `rmq-chaos setup --k8s`. Runs never need
 * them, and the build takes minutes on two cores, so plain `setup` leaves them out.
 *
 * `go install k8s.io/kubernetes/cmd/kube-apiserver@<version>` is refused: k8s.io/kubernetes'
 * go.mod replaces its staging modules (k8s.io/api, k8s.io/apiserver ...) with folders of its
 * own tree. So the build is a scratch module that requires k8s.io/kubernetes and replaces each
 * of those with its published release (v0.34.x for v1.34.x), read from that go.mod; etcd is
 * the version it requires, built in the same module. Idempotent like Toxiproxy: built into a
 * staging folder, renamed into place, a `.complete` marker last.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../util/errors.ts';
import { cacheRoot } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { runTool, type SetupLog } from './provision.ts';
import { requireTool } from './tools.ts';
import { ETCD_MODULE, ETCD_VERSION, KUBERNETES_MODULE, KUBERNETES_VERSION } from './versions.ts';

const execFileAsync = promisify(execFile);

export interface K8sBinaryPaths {
  home: string;
  bin: string;
  etcd: string;
  kubeApiserver: string;
  kubectl: string;
  marker: string;
}

export function k8sBinaryPaths(root = cacheRoot(), version = KUBERNETES_VERSION): K8sBinaryPaths {
  const home = join(root, `k8s-${version}`);
  const bin = join(home, 'bin');
  return {
    home,
    bin,
    etcd: join(bin, 'etcd'),
    kubeApiserver: join(bin, 'kube-apiserver'),
    kubectl: join(bin, 'kubectl'),
    marker: join(home, '.complete'),
  };
}

/** True when `setup --k8s` has built the binaries (no tool consulted). */
export function hasK8sBinaries(root = cacheRoot()): boolean {
  return existsSync(k8sBinaryPaths(root).marker);
}

const HINT =
  'check that the Go module proxy is reachable (go env GOPROXY) and run `npm run rmq-chaos -- setup --k8s` again';

/** What each binary is built from, in build order (etcd first: it is quick, and fails early if anything does). */
const BUILDS = [
  { name: 'etcd', pkg: ETCD_MODULE, version: ETCD_VERSION },
  { name: 'kube-apiserver', pkg: `${KUBERNETES_MODULE}/cmd/kube-apiserver`, version: KUBERNETES_VERSION },
  { name: 'kubectl', pkg: `${KUBERNETES_MODULE}/cmd/kubectl`, version: KUBERNETES_VERSION },
] as const;

/**
 * The `replace` lines of the scratch module: each staging module that k8s.io/kubernetes' go.mod
 * points at a folder of its own tree, at its published release (v1.34.2 → v0.34.2).
 */
export function stagingReplaces(kubernetesGoMod: string, version = KUBERNETES_VERSION): string[] {
  const staging = version.replace(/^v1\./, 'v0.');
  const modules = [
    ...kubernetesGoMod.matchAll(/^\s*(?:replace\s+)?(k8s\.io\/[A-Za-z0-9._-]+)\s+=>\s+\.\/staging\/src\//gm),
  ].map((m) => m[1] as string);
  return [...new Set(modules)].sort().map((m) => `${m} => ${m} ${staging}`);
}

/** The scratch module's go.mod. */
export function scratchGoMod(replaces: readonly string[], goDirective: string): string {
  return [
    'module rmq-chaos.local/k8s-binaries',
    '',
    `go ${goDirective}`,
    '',
    'require (',
    `\t${KUBERNETES_MODULE} ${KUBERNETES_VERSION}`,
    `\t${ETCD_MODULE} ${ETCD_VERSION}`,
    ')',
    '',
    'replace (',
    ...replaces.map((r) => `\t${r}`),
    ')',
    '',
  ].join('\n');
}

/** etcd, kube-apiserver and kubectl, built first if the cache lacks them. Idempotent and safe to call concurrently. */
export async function ensureK8sBinaries(log: SetupLog, root = cacheRoot()): Promise<K8sBinaryPaths> {
  const paths = k8sBinaryPaths(root);
  const what = `Kubernetes ${KUBERNETES_VERSION} (kube-apiserver, kubectl) and etcd ${ETCD_VERSION}`;
  if (existsSync(paths.marker)) {
    log(`${what}: cached in ${paths.bin}`);
    return paths;
  }
  await mkdir(root, { recursive: true });
  await withInstallLock(
    join(root, '.setup-k8s.lock'),
    async () => {
      if (existsSync(paths.marker)) return;
      log(`${what}: building from the Go module proxy (minutes the first time; cached after)...`);
      const started = performance.now();
      await requireTool('go');
      await mkdir(paths.home, { recursive: true });
      const staging = await mkdtemp(join(paths.home, '.staging-'));
      try {
        await buildInto(staging, log);
        await rm(paths.bin, { recursive: true, force: true });
        await rename(join(staging, 'bin'), paths.bin);
        await writeFile(
          paths.marker,
          `${new Date().toISOString()} ${BUILDS.map((b) => `${b.name} ${b.version}`).join(', ')}\n`,
        );
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      log(`${what}: done in ${seconds(started)}s`);
    },
    () => log('another setup is building the Kubernetes binaries; waiting for it'),
  );
  return paths;
}

async function buildInto(staging: string, log: SetupLog): Promise<void> {
  const env = { ...process.env, CGO_ENABLED: '0', GOWORK: 'off' };
  const src = join(staging, 'src');
  await mkdir(src, { recursive: true });
  let started = performance.now();
  log(`reading ${KUBERNETES_MODULE}@${KUBERNETES_VERSION}'s go.mod (go mod download)...`);
  const goMod = await kubernetesGoMod(src, env);
  const replaces = stagingReplaces(goMod);
  if (replaces.length === 0)
    throw new EnvironmentError(
      'setup-failed',
      `${KUBERNETES_MODULE}@${KUBERNETES_VERSION}'s go.mod replaces no k8s.io module with ./staging: ` +
        'the scratch module cannot be made',
    );
  const goDirective = /^go\s+(\S+)/m.exec(goMod)?.[1] ?? '1.24.0';
  await writeFile(join(src, 'go.mod'), scratchGoMod(replaces, goDirective));
  // The imports that `go mod tidy` keeps the requirements (and go.sum) of.
  await writeFile(
    join(src, 'tools.go'),
    `//go:build tools\n\npackage tools\n\nimport (\n${BUILDS.map((b) => `\t_ "${b.pkg}"\n`).join('')})\n`,
  );
  log(`scratch module: ${replaces.length} staging modules replaced by their releases; go mod tidy...`);
  await runTool('go', ['mod', 'tidy'], src, 'go mod tidy of the scratch module failed', HINT, env);
  log(`modules resolved in ${seconds(started)}s`);
  const minor = /^v1\.(\d+)\./.exec(KUBERNETES_VERSION)?.[1] ?? '';
  // What `--version` prints (the kubectl/server skew warning reads it too); a plain go build says v0.0.0-master.
  const version = 'k8s.io/component-base/version';
  const ldflags =
    `-s -w -X ${version}.gitVersion=${KUBERNETES_VERSION} -X ${version}.gitMajor=1 ` +
    `-X ${version}.gitMinor=${minor} -X ${version}.gitTreeState=clean`;
  for (const build of BUILDS) {
    started = performance.now();
    log(`building ${build.name} ${build.version} (go build ${build.pkg})...`);
    const out = join(staging, 'bin', build.name);
    await runTool(
      'go',
      ['build', '-trimpath', '-ldflags', ldflags, '-o', out, build.pkg],
      src,
      `go build of ${build.name} failed`,
      HINT,
      env,
    );
    const said = await versionOf(out);
    if (!said.includes(build.version.replace(/^v/, '')))
      throw new EnvironmentError('setup-failed', `${build.name} was built but says ${JSON.stringify(said)}`);
    log(`built ${build.name} in ${seconds(started)}s: ${said}`);
  }
}

async function kubernetesGoMod(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const module = `${KUBERNETES_MODULE}@${KUBERNETES_VERSION}`;
  let out: string;
  try {
    // Fetches the whole module (the build needs it anyway); its go.mod is what is read here.
    ({ stdout: out } = await execFileAsync('go', ['mod', 'download', '-json', module], {
      cwd,
      env,
      maxBuffer: 1 << 20,
    }));
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    const reason = /"Error":\s*"([^"]*)"/.exec(stdout)?.[1] ?? (error as Error).message;
    throw new EnvironmentError('setup-failed', `go mod download ${module} failed: ${reason}`, HINT, { cause: error });
  }
  const file = (JSON.parse(out) as { GoMod?: string }).GoMod;
  if (!file) throw new EnvironmentError('setup-failed', `go mod download ${module} named no go.mod: ${out}`, HINT);
  return readFile(file, 'utf8');
}

/** The first line of `<binary> --version` (etcd: `etcd Version: 3.6.4`, kubectl: `Client Version: v1.34.2`). */
async function versionOf(binary: string): Promise<string> {
  const args = binary.endsWith('kubectl') ? ['version', '--client'] : ['--version'];
  const { stdout } = await execFileAsync(binary, args, { timeout: 30_000 });
  return stdout.split('\n')[0]?.trim() ?? '';
}

function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}
