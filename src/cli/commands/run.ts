import type { Command } from 'commander';
import { withComparison } from '../../compare/attach.ts';
import { compareSummaries } from '../../compare/compare.ts';
import { formatComparison } from '../../compare/format-comparison.ts';
import { loadSummary } from '../../compare/load-summary.ts';
import { loadPlanFile, resolvePlanPath } from '../../plan/load-plan.ts';
import { formatAbortedConsole } from '../../report/aborted-text.ts';
import { formatConsoleSummary } from '../../report/console-summary.ts';
import { writeRunIndex } from '../../report/run-index.ts';
import type { ReportWriter } from '../../report/report-writer.ts';
import { ABORTED_REPORT_WRITERS, REPORT_WRITERS, writeReports } from '../../report/write-reports.ts';
import { SIGNAL_STOP } from '../../run/run-abort.ts';
import { runPlan } from '../../run/run-plan.ts';
import { Progress } from '../../run/progress.ts';
import type { RunResources } from '../../runtime/run-resources.ts';
import { isProvisioned, provision } from '../../setup/provision.ts';
import { describeError, ExitCode, formatPlanIssue, HarnessError } from '../../util/errors.ts';
import { PLANS_DIR, REPORTS_DIR } from '../paths.ts';
import { addPlanSizeOption, planLoadOptions } from '../plan-size-option.ts';
import { diskHostHere } from '../disk-host.ts';
import { collect } from './validate.ts';
import { agentSets, declaredAgentNames } from '../agents-option.ts';
import { readToken } from '../../agents/token.ts';
import { durationOption } from '../duration-option.ts';
import { OUTPUT_USAGE, openOutputs, parseOutputs } from '../../report/outputs/index.ts';
import { LiveServer } from '../../report/live/live-server.ts';
import { liveOption } from '../live-option.ts';

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run a plan: cluster up, fleets, faults, measurements, verdict and report')
    .argument('<plan>', 'plan name (smoke → plans/smoke.yaml) or path')
    .option('--set <key=value>', 'override a plan field, e.g. phases.load=5s (repeatable)', collect, [])
    .option('--keep', 'keep store dirs and node logs after the run')
    .option('--reports <dir>', 'where run folders go', REPORTS_DIR)
    .option(
      '--agents <host:port,...>',
      "run the fleets on these agents (`rmq-chaos agent`), the plan's agents' addresses",
    )
    .option('--agent-token-file <path>', "the agents' shared token (default: $RMQ_CHAOS_AGENT_TOKEN)")
    .option('--agent-wait <duration>', 'keep trying agents that do not answer yet this long, e.g. 5m', '10s')
    .option(
      '--out <name=target>',
      `also send the run's metrics to an output while it runs, k6-style (repeatable): ${OUTPUT_USAGE}`,
      collect,
      [],
    )
    .option(
      '--live [port]',
      'serve a page that shows the run as it goes (127.0.0.1, the URL with its token is printed at start); ' +
        'a port: that one, or the next free one',
    )
    .option(
      '--baseline <run-dir|summary.json>',
      "after the run, compare it with this run (tolerances: the plan's compare: section); a regression fails " +
        'the run (exit 99)',
    );
  addPlanSizeOption(command).action(
    async (
      name: string,
      options: {
        set: string[];
        keep?: boolean;
        reports: string;
        baseline?: string;
        maxPlanSize?: string;
        agents?: string;
        agentTokenFile?: string;
        agentWait: string;
        out: string[];
        live?: string | boolean;
      },
    ) => {
      const path = resolvePlanPath(name, PLANS_DIR);
      const sets =
        options.agents === undefined
          ? options.set
          : [...agentSets(options.agents, declaredAgentNames(path)), ...options.set];
      const plan = await loadPlanFile(path, sets, { ...planLoadOptions(options), diskHost: diskHostHere() });
      // The token before anything starts: a run with agents cannot go far without it.
      const agentToken = plan.agents.length > 0 ? readToken(options.agentTokenFile) : undefined;
      // Read the baseline before starting anything: a wrong path is exit 2, not a wasted run.
      const baseline = options.baseline === undefined ? undefined : await loadSummary(options.baseline);
      const livePort = liveOption(options.live);
      const progress = new Progress();
      for (const warning of plan.source.warnings ?? []) progress.log(`warning: ${formatPlanIssue(warning)}`);
      // Outputs open before anything starts too: an unknown one is exit 2, an unwritable file or
      // a port in use exit 1.
      const outputs = parseOutputs(options.out, {
        plan: plan.name,
        groupOfFleet: Object.fromEntries(plan.fleets.consumers.map((c) => [c.name, c.group])),
        warn: (line) => progress.log(line),
      });
      for (const line of await openOutputs(outputs)) progress.log(line);
      // An external cluster needs neither the RocketMQ jars nor Toxiproxy (it has no network faults).
      if (plan.cluster.provider !== 'external' && !isProvisioned(undefined, plan.cluster.version))
        await provision((line) => progress.log(`setup: ${line}`), undefined, {
          rocketmqVersion: plan.cluster.version,
        }).catch(async (error: unknown) => {
          // The outputs are open (a prometheus endpoint would keep the process alive): close them first.
          await Promise.all(outputs.map((o) => o.close()));
          throw error;
        });

      // First Ctrl-C/SIGTERM: stop gracefully (workers close, cluster stops). Second: kill
      // every process group at once and leave.
      const abort = new AbortController();
      let resources: RunResources | undefined;
      let signalled: NodeJS.Signals | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        if (signalled) {
          progress.log(`rmq-chaos: ${signal} again, killing everything`);
          resources?.killAllNow();
          process.exit(signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm);
        }
        signalled = signal;
        progress.log(`rmq-chaos: ${signal} received, stopping (press Ctrl-C again to kill at once)`);
        abort.abort(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // The live page's server is this command's: it outlives the run (the final frame is the
      // report, sent after the run) and closes in the finally below, however the run ends.
      let live: LiveServer | undefined;
      try {
        if (livePort !== undefined)
          live = await LiveServer.start({ port: livePort, log: (line) => progress.log(line) });
        const outcome = await runPlan({
          plan,
          reportsDir: options.reports,
          keep: options.keep ?? false,
          signal: abort.signal,
          progress,
          onResources: (r) => (resources = r),
          ...(agentToken ? { agentToken, agentWaitMs: durationOption('--agent-wait', options.agentWait) } : {}),
          outputs,
          ...(live ? { live } : {}),
        });
        if (outcome.aborted) {
          live?.stopped(outcome.summary.aborted.reason);
          // Stopped before its verdict: the reports say why and what was cleaned up; the exit
          // code and the error line stay the cause's (130/143 for a signal, the error's own).
          await publish(outcome.summary, outcome.reportDir, ABORTED_REPORT_WRITERS, {
            text: formatAbortedConsole(outcome.summary),
            reportsDir: options.reports,
            progress,
          });
          throw outcome.aborted.error;
        }
        const comparison =
          baseline &&
          compareSummaries(baseline.summary, outcome.summary, {
            tolerances: plan.compare.tolerances,
            baselineSource: baseline.file,
          });
        const summary = comparison ? withComparison(outcome.summary, comparison) : outcome.summary;
        const compared = comparison ? `\n\ncompared with the baseline:\n${formatComparison(comparison)}` : '';
        live?.ended(summary);
        const failed = await publish(summary, outcome.reportDir, REPORT_WRITERS, {
          text: `${formatConsoleSummary(summary)}${compared}`,
          reportsDir: options.reports,
          progress,
        });
        // A report that could not be written is an internal error, whatever the verdict.
        process.exitCode = failed
          ? ExitCode.internal
          : summary.verdict === 'pass'
            ? ExitCode.ok
            : ExitCode.checksFailed;
      } catch (error) {
        live?.stopped(describeError(error).split('\n')[0] ?? 'error');
        if (signalled && error instanceof HarnessError && error.code === SIGNAL_STOP) {
          process.exitCode = signalled === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
          process.stderr.write(`rmq-chaos: run stopped by ${signalled}; everything it started was stopped\n`);
          return;
        }
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // The run closes them; this covers one that failed before it owned them (closing twice is fine).
        await Promise.all(outputs.map((o) => o.close()));
        await live?.close();
      }
    },
  );
}

/**
 * Writes the run's reports, prints its text, refreshes the runs index and prints the files
 * (the page last: it is the one a person opens). True when a report could not be written.
 */
async function publish<S>(
  summary: S,
  reportDir: string,
  writers: readonly ReportWriter<S>[],
  { text, reportsDir, progress }: { text: string; reportsDir: string; progress: Progress },
): Promise<boolean> {
  const { files, failed } = await writeReports(summary, reportDir, writers);
  for (const { writer, error } of failed)
    process.stderr.write(`rmq-chaos: the ${writer} report could not be written: ${describeError(error)}\n`);
  process.stdout.write(`${text}\n`);
  const runsIndex = await writeRunIndex(reportsDir).catch((error: unknown) => {
    // The run's own report is written; a stale list of runs is not worth failing it over.
    progress.log(`rmq-chaos: could not update ${reportsDir}/index.html: ${describeError(error)}`);
    return undefined;
  });
  if (runsIndex) process.stdout.write(`runs: ${runsIndex}\n`);
  const pageLast = [...files.filter((f) => !f.endsWith('.html')), ...files.filter((f) => f.endsWith('.html'))];
  for (const file of pageLast) process.stdout.write(`report: ${file}\n`);
  return failed.length > 0;
}
