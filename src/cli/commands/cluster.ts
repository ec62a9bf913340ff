import { diskHostHere } from '../disk-host.ts';
import { releaseRecordedStoresSync } from '../../runtime/loop-store.ts';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { getProvider } from '../../cluster/registry.ts';
import { createTopics } from '../../cluster/topics.ts';
import { loadPlanFile, resolvePlanPath } from '../../plan/load-plan.ts';
import { clusterSpecOf } from '../../run/cluster-spec.ts';
import { claimRunId, runIdBase } from '../../runtime/run-id.ts';
import { reapContainersSync } from '../../runtime/container-reaper.ts';
import { RunResources } from '../../runtime/run-resources.ts';
import { isRunActive, listRunStates, RunState } from '../../runtime/run-state.ts';
import { cachePaths } from '../../setup/cache-dir.ts';
import { isProvisioned, provision } from '../../setup/provision.ts';
import { UsageError } from '../../util/errors.ts';
import { isSameProcess, signalGroup } from '../../util/process-info.ts';
import { PLANS_DIR } from '../paths.ts';
import { addPlanSizeOption, planLoadOptions } from '../plan-size-option.ts';
import { collect } from './validate.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

export function registerClusterCommand(program: Command): void {
  const cluster = program
    .command('cluster')
    .description("bring a plan's cluster up for manual use, list it, take it down");

  const up = cluster
    .command('up')
    .description("start the plan's cluster and topics, print the endpoints, and leave it running")
    .argument('<plan>', 'plan name or path')
    .option('--set <key=value>', 'override a plan field (repeatable)', collect, []);
  addPlanSizeOption(up).action(async (name: string, options: { set: string[]; maxPlanSize?: string }) => {
    const plan = await loadPlanFile(resolvePlanPath(name, PLANS_DIR), options.set, {
      ...planLoadOptions(options),
      diskHost: diskHostHere(),
    });
    if (plan.cluster.provider === 'external') {
      throw new UsageError(
        'cluster up starts a cluster, and provider external names one that is already running ' +
          `(${plan.cluster.namesrvAddr ?? 'cluster.namesrvAddr'})`,
        'run the plan against it with `rmq-chaos run`, or use a plan with provider local here',
      );
    }
    // A cluster with ACL is only usable with its admin secret, which a run draws and never prints.
    if (plan.cluster.acl)
      throw new UsageError(
        'cluster up does not start clusters with cluster.acl (the harness admin secret is drawn per run and never ' +
          'printed, so the cluster would be of no use to you)',
        "run the plan with `rmq-chaos run`, or remove cluster.acl and the fleets' credentials for cluster up",
      );
    if (!isProvisioned(undefined, plan.cluster.version))
      await provision((line) => log(`setup: ${line}`), undefined, { rocketmqVersion: plan.cluster.version });
    const workRoot = join(tmpdir(), 'rmq-chaos');
    const id = claimRunId(runIdBase(`cluster-${plan.name}`), [cachePaths().runs, workRoot]);
    const workDir = join(workRoot, id);
    const state = RunState.create(cachePaths().runs, { runId: id, workDir, keep: false, kind: 'cluster' });
    const resources = new RunResources(state, log);
    try {
      const started = await getProvider(plan.cluster.provider).start(clusterSpecOf(plan), {
        resources,
        log,
        leaveRunning: true,
      });
      await createTopics(started.endpoints, plan.topics, log);
      state.setEndpoints(started.endpoints);
      process.stdout.write(
        `cluster ${id} is up\n${formatEndpoints(started.endpoints)}\nstop it with: npm run rmq-chaos -- ` +
          `cluster down ${id}\n`,
      );
    } catch (error) {
      await resources.release();
      throw error;
    }
  });

  cluster
    .command('status')
    .description('list clusters started by `cluster up` (and runs in progress)')
    .action(() => {
      const states = listRunStates(cachePaths().runs);
      if (states.length === 0) process.stdout.write('no clusters or runs\n');
      for (const { data } of states) {
        const alive = data.processes.filter((p) => isSameProcess(p.pid, p.startTicks)).length;
        const what = data.containers
          ? `containers labelled ${data.containers.label}`
          : `${alive}/${data.processes.length} processes alive`;
        process.stdout.write(`${data.runId}  ${data.kind}  ${isRunActive(data) ? 'up' : 'dead'}  ${what}\n`);
        if (data.endpoints)
          process.stdout.write(
            `${formatEndpoints(data.endpoints as Parameters<typeof formatEndpoints>[0]).replace(/^/gm, '  ')}\n`,
          );
      }
    });

  cluster
    .command('down')
    .description('stop a cluster started by `cluster up` (all of them without an id)')
    .argument('[id]', 'cluster id printed by `cluster up`')
    .action(async (id: string | undefined) => {
      const targets = listRunStates(cachePaths().runs).filter(
        (s) => s.data.kind === 'cluster' && (!id || s.data.runId === id),
      );
      if (id && targets.length === 0) throw new UsageError(`no cluster ${id}`, 'see `rmq-chaos cluster status`');
      for (const { dir, data } of targets) {
        const live = data.processes.filter((p) => isSameProcess(p.pid, p.startTicks));
        for (const p of live) signalGroup(p.pgid, 'SIGKILL');
        const deadline = Date.now() + 10_000;
        while (live.some((p) => isSameProcess(p.pid, p.startTicks)) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        const removed = data.containers ? reapContainersSync(data.containers) : [];
        // Bounded stores (disk faults): throttle cleared, unmounted, loop device detached, before the dir goes.
        releaseRecordedStoresSync(data);
        rmSync(data.workDir, { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
        const stopped = data.containers
          ? `${removed.filter((r) => r.startsWith('container ')).length} containers removed`
          : `${live.length} processes stopped`;
        process.stdout.write(`cluster ${data.runId} down (${stopped})\n`);
      }
      if (!id && targets.length === 0) process.stdout.write('no clusters are up\n');
    });
}

function formatEndpoints(e: {
  namesrvAddr: string;
  brokers: { name: string; brokerId: number; addr: string }[];
  proxy?: { grpc: string; remoting?: string };
}): string {
  const lines = [
    `namesrv  ${e.namesrvAddr}`,
    ...e.brokers.map((b) => `${b.brokerId === 0 ? b.name : `${b.name} (slave ${b.brokerId})`}  ${b.addr}`),
  ];
  if (e.proxy) lines.push(`proxy    grpc ${e.proxy.grpc}${e.proxy.remoting ? `  remoting ${e.proxy.remoting}` : ''}`);
  return lines.join('\n');
}
