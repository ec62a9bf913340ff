/**
 * From `k8s render` / `k8s run` command-line options to K8sRenderOptions: the token (read from
 * --token-file or generated, never printed), pod selectors, durations. Usage errors are exit 2.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseDuration } from '../plan/units.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { UsageError } from '../util/errors.ts';
import { K8S_DEFAULTS, type K8sRenderOptions, makeRunId, type PodSelectors } from './model.ts';

export interface K8sCliOptions {
  namespace: string;
  image: string;
  toxiproxyImage: string;
  namesrv?: string;
  proxy?: string;
  proxyRemoting?: string;
  agents: string;
  tokenFile?: string;
  podSelector: string[];
  clusterNamespace?: string;
  skipUnrenderable?: boolean;
  reportVolume?: string;
  timeout: string;
  clusterDomain: string;
}

const LABEL = /^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** `broker-a=app=rocketmq,component=broker-a` → { 'broker-a': { app: 'rocketmq', component: 'broker-a' } }. */
export function parsePodSelectors(args: readonly string[]): PodSelectors {
  const out: Record<string, Record<string, string>> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const target = arg.slice(0, eq);
    const labels: Record<string, string> = {};
    for (const pair of eq > 0 ? arg.slice(eq + 1).split(',') : []) {
      const [key, value, ...rest] = pair.split('=');
      if (!key || value === undefined || rest.length > 0 || !LABEL.test(key))
        throw new UsageError(
          `--pod-selector ${arg}: expected <node>=<label>=<value>[,<label>=<value>...]`,
          'e.g. --pod-selector broker-a=app.kubernetes.io/name=broker-a',
        );
      labels[key] = value;
    }
    if (eq <= 0 || Object.keys(labels).length === 0)
      throw new UsageError(`--pod-selector ${arg}: expected <node>=<label>=<value>[,<label>=<value>...]`);
    out[target] = labels;
  }
  return out;
}

export async function renderOptions(plan: ResolvedPlan, cli: K8sCliOptions): Promise<K8sRenderOptions> {
  const namesrv = cli.namesrv ?? plan.cluster.namesrvAddr;
  if (namesrv === undefined)
    throw new UsageError(
      `${plan.name}: the coordinator needs the cluster's name server`,
      'give --namesrv host:port (e.g. the name server Service: rocketmq-namesrv.rocketmq.svc:9876)',
    );
  const agents = Number(cli.agents);
  if (!Number.isInteger(agents) || agents < 1 || agents > 64)
    throw new UsageError(`--agents ${cli.agents}: expected a whole number from 1 to 64`);
  const timeout = parseDuration(cli.timeout);
  if (!timeout.ok) throw new UsageError(`--timeout: ${timeout.message}`);
  const proxy = cli.proxy ?? plan.cluster.proxyAddr;
  const proxyRemoting = cli.proxyRemoting ?? plan.cluster.proxyRemotingAddr;
  if (proxyRemoting !== undefined && proxy === undefined)
    throw new UsageError(
      `--proxy-remoting ${proxyRemoting}: the coordinator needs the same proxy's gRPC endpoint too`,
      "give --proxy host:port (the proxy Service's gRPC port, e.g. rocketmq-proxy.rocketmq.svc:8081)",
    );
  return {
    runId: makeRunId(plan.name, randomBytes(3).toString('hex').slice(0, 5)),
    namespace: cli.namespace,
    image: cli.image,
    toxiproxyImage: cli.toxiproxyImage,
    namesrv,
    ...(proxy ? { proxy } : {}),
    ...(proxyRemoting ? { proxyRemoting } : {}),
    agents,
    token: await token(cli.tokenFile),
    ...(cli.clusterNamespace ? { clusterNamespace: cli.clusterNamespace } : {}),
    podSelectors: parsePodSelectors(cli.podSelector),
    skipUnrenderable: cli.skipUnrenderable ?? false,
    ...(cli.reportVolume ? { reportVolumeSize: cli.reportVolume } : {}),
    reportHoldSeconds: K8S_DEFAULTS.reportHoldSeconds,
    timeoutSeconds: Math.ceil(timeout.value / 1000),
    clusterDomain: cli.clusterDomain,
  };
}

/** The agents' shared secret: the file's first line, or 32 random bytes. Never printed. */
async function token(file: string | undefined): Promise<string> {
  if (file === undefined) return randomBytes(32).toString('hex');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--token-file ${file}: ${(error as Error).message}`);
  }
  const value = text.split('\n')[0]?.trim() ?? '';
  if (value.length < 16) throw new UsageError(`--token-file ${file}: the token is shorter than 16 characters`);
  return value;
}
