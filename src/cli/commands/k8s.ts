import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type K8sCliOptions, renderOptions } from '../../k8s/cli-options.ts';
import { Kubectl } from '../../k8s/run/kubectl.ts';
import { K8sRunStopped, runOnKubernetes } from '../../k8s/run/k8s-run.ts';
import { K8S_DEFAULTS, names, runSelector } from '../../k8s/model.ts';
import { manifestText, type RenderResult, renderK8s } from '../../k8s/render.ts';
import { readRawPlan } from '../../k8s/raw-plan.ts';
import { loadPlanFile, resolvePlanPath } from '../../plan/load-plan.ts';
import { parseDuration } from '../../plan/units.ts';
import { describeError, ExitCode, HarnessError } from '../../util/errors.ts';
import { PLANS_DIR, REPORTS_DIR } from '../paths.ts';
import { collect } from './validate.ts';

function renderCommandOptions(command: Command): Command {
  return command
    .argument('<plan>', 'plan name (smoke → plans/smoke.yaml) or path')
    .option('--set <key=value>', 'override a plan field (repeatable)', collect, [])
    .option('--namespace <ns>', 'namespace of the rendered objects', K8S_DEFAULTS.namespace)
    .option('--image <ref>', 'the rmq-chaos image (see Containerfile)', K8S_DEFAULTS.image)
    .option('--toxiproxy-image <ref>', "the agents' Toxiproxy sidecar image", K8S_DEFAULTS.toxiproxyImage)
    .option('--namesrv <host:port>', "the cluster's name server(s), ';'-separated (default: the plan's namesrvAddr)")
    .option('--proxy <host:port>', "the cluster's proxy gRPC endpoint, for grpc fleets")
    .option(
      '--proxy-remoting <host:port>',
      "the same proxy's remoting port, where the run sees pop groups' clients (default: the plan's proxyRemotingAddr)",
    )
    .option('--agents <n>', 'agents to run when the plan declares none', String(K8S_DEFAULTS.agents))
    .option('--token-file <path>', "the agents' shared token (default: 32 random bytes, written only to the Secret)")
    .option(
      '--pod-selector <node=label=value,...>',
      "labels of a cluster node's pods for Chaos Mesh faults (repeatable; default rmq-chaos/node=<node>)",
      collect,
      [],
    )
    .option('--cluster-namespace <ns>', "namespace of the RocketMQ cluster's pods (default: --namespace)")
    .option('--cluster-domain <domain>', "the cluster's DNS domain", K8S_DEFAULTS.clusterDomain)
    .option('--skip-unrenderable', 'leave out faults that cannot be rendered (listed) instead of failing')
    .option('--report-volume <size>', 'keep reports on a PersistentVolumeClaim of this size (default: emptyDir)')
    .option('--timeout <duration>', 'the Jobs deadline (activeDeadlineSeconds) and k8s run’s wait', '30m');
}

type RenderCli = K8sCliOptions & { set: string[] };

async function render(name: string, cli: RenderCli): Promise<RenderResult & { runId: string }> {
  const file = resolvePlanPath(name, PLANS_DIR);
  const plan = await loadPlanFile(file, cli.set);
  const options = await renderOptions(plan, cli);
  const result = renderK8s(plan, await readRawPlan(file, cli.set), options);
  for (const s of result.skipped) process.stderr.write(`k8s: skipped fault ${s.fault}: ${s.reason}\n`);
  for (const note of result.notes) process.stderr.write(`k8s: note: ${note}\n`);
  return { ...result, runId: options.runId };
}

export function registerK8sCommand(program: Command): void {
  const k8s = program
    .command('k8s')
    .description('run a plan on Kubernetes: render manifests, or apply and follow them');

  renderCommandOptions(
    k8s
      .command('render')
      .description('write the manifests of a plan: agents (Indexed Job), coordinator (Job), plan, token, faults'),
  )
    .option('--out <dir>', 'where the manifest files go (default: k8s/<run id>)')
    .action(async (name: string, cli: RenderCli & { out?: string }) => {
      const result = await render(name, cli);
      const out = cli.out ?? join('k8s', result.runId);
      await mkdir(out, { recursive: true });
      for (const file of result.files) {
        // The Secret holds the token: readable by the owner only.
        await writeFile(join(out, file.name), manifestText(file), { mode: 0o600 });
        const kinds = file.objects.map((o) => o.kind).join(', ');
        process.stdout.write(`wrote ${join(out, file.name)} (${kinds})\n`);
      }
      const n = names(result.runId);
      const faults = result.files.some((f) => f.name === '40-faults.yaml');
      process.stdout.write(
        [
          '',
          `run id ${result.runId}. To run it by hand:`,
          `  kubectl apply -f ${join(out, '00-secret.yaml')} -f ${join(out, '10-plan.yaml')} ` +
            `-f ${join(out, '20-agents.yaml')} -f ${join(out, '30-coordinator.yaml')}`,
          `  kubectl logs -f job/${n.coordinator} -c coordinator`,
          ...(faults
            ? [
                '  # when the log shows phase P begin: ' +
                  `kubectl apply -f ${join(out, '40-faults.yaml')} -l rmq-chaos/phase=P`,
              ]
            : []),
          `  kubectl cp <coordinator pod>:/reports reports/k8s-${result.runId} -c reports`,
          `  kubectl delete jobs,services,configmaps,secrets,pvc${faults ? ',workflows.chaos-mesh.org' : ''} ` +
            `-l ${runSelector(result.runId)}`,
          'or: rmq-chaos k8s run (the same options) does all of it.',
          '',
        ].join('\n'),
      );
    });

  renderCommandOptions(
    k8s
      .command('run')
      .description('render, apply with kubectl, follow the coordinator, fetch its reports, delete everything'),
  )
    .option('--kubectl <path>', 'the kubectl to use', 'kubectl')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--reports <dir>', 'where the run folder is copied (k8s-<run id>/)', REPORTS_DIR)
    .option('--keep', 'leave the objects in the cluster after the run')
    .action(
      async (name: string, cli: RenderCli & { kubectl: string; context?: string; reports: string; keep?: boolean }) => {
        const result = await render(name, cli);
        const abort = new AbortController();
        const onSignal = (signal: NodeJS.Signals) => {
          process.stderr.write(`k8s: ${signal}: stopping and deleting the run's objects\n`);
          abort.abort(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          const outcome = await runOnKubernetes({
            runId: result.runId,
            files: result.files,
            kubectl: new Kubectl(cli.kubectl, cli.namespace, cli.context),
            manifestDir: join(cli.reports, `k8s-${result.runId}-manifests`),
            reportsDir: cli.reports,
            timeoutMs: timeoutMs(cli.timeout),
            keep: cli.keep ?? false,
            signal: abort.signal,
            log: (line) => process.stderr.write(`${line}\n`),
          });
          if (outcome.error instanceof K8sRunStopped) {
            process.exitCode = abort.signal.reason === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
            return;
          }
          if (outcome.error !== undefined) {
            if (outcome.error instanceof HarnessError) throw outcome.error;
            throw new HarnessError('k8s-run', describeError(outcome.error));
          }
          if (outcome.reportDir) process.stdout.write(`report: ${outcome.reportDir}\n`);
          process.exitCode = outcome.exitCode ?? ExitCode.internal;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      },
    );
}

/** Already checked by renderOptions (a bad --timeout is exit 2 before anything is applied). */
function timeoutMs(text: string): number {
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.value : 30 * 60_000;
}
