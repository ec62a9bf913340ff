import { Command, CommanderError } from 'commander';
import { describeError, ExitCode, HarnessError } from '../util/errors.ts';
import { registerAgentCommand } from './commands/agent.ts';
import { registerCleanupCommand } from './commands/cleanup.ts';
import { registerClusterCommand } from './commands/cluster.ts';
import { registerCompareCommand } from './commands/compare.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerListCommand } from './commands/list.ts';
import { registerMatrixCommand } from './commands/matrix.ts';
import { registerOpenCommand } from './commands/open.ts';
import { registerReportCommand } from './commands/report.ts';
import { registerExplainCommand } from './commands/explain.ts';
import { registerK8sCommand } from './commands/k8s.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerSetupCommand } from './commands/setup.ts';
import { registerShrinkCommand } from './commands/shrink.ts';
import { registerValidateCommand } from './commands/validate.ts';

const program = new Command()
  .name('rmq-chaos')
  .description(
    'Load-testing and chaos harness for Apache RocketMQ: a declarative plan brings up a real cluster,\n' +
      'drives producer and consumer fleets, injects faults and measures backlog, loss, duplicates and latency.',
  )
  .option('--verbose', 'print stack traces and more detail')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerRunCommand(program);
registerValidateCommand(program);
registerListCommand(program);
registerSetupCommand(program);
registerCleanupCommand(program);
registerClusterCommand(program);
registerDoctorCommand(program);
registerReportCommand(program);
registerExplainCommand(program);
registerOpenCommand(program);
registerCompareCommand(program);
registerMatrixCommand(program);
registerShrinkCommand(program);
registerAgentCommand(program);
registerK8sCommand(program);

program.addHelpText(
  'after',
  `
Exit codes: 0 pass, 99 checks failed, 2 bad plan or usage, 1 environment or internal error,
130/143 stopped by SIGINT/SIGTERM (a run stopped early still writes its summary, verdict aborted).
Examples:
  rmq-chaos run smoke                       run plans/smoke.yaml
  rmq-chaos run smoke --set phases.load=5s  override a field
  rmq-chaos validate plans/*.yaml           check plans, start nothing
  rmq-chaos doctor --namesrv 127.0.0.1:9876 diagnose a running cluster's consumer groups (read-only)
  rmq-chaos open                            print (and open) the newest run's index.html
  rmq-chaos compare <baseline> <current>    compare two runs (run folders or summary.json), exit 99 on a regression
  rmq-chaos run throughput --baseline perf/baseline/throughput   run, then compare with a baseline
  rmq-chaos matrix smoke --versions 4.9.7,5.3.3 --ha none,master-slave   the plan per version and HA mode, one page
  rmq-chaos shrink <run> --budget 10m      the fewest faults and shortest phases that still fail, from a failed run
  rmq-chaos agent --listen 0.0.0.0:7420     run fleet instances for a coordinator on another host
  rmq-chaos run smoke --agents h1:7420,h2:7420   spread the fleets over two agents
  rmq-chaos k8s render smoke --namesrv rocketmq-namesrv:9876 --out k8s/smoke   manifests for Kubernetes
  rmq-chaos k8s run smoke --namesrv rocketmq-namesrv:9876 --image reg/rmq-chaos:0.1   apply, follow, fetch, delete`,
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version print and exit 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    const verbose = program.opts<{ verbose?: boolean }>().verbose;
    process.stderr.write(
      `rmq-chaos: ${verbose && error instanceof Error ? (error.stack ?? error.message) : describeError(error)}\n`,
    );
    process.exitCode = error instanceof HarnessError ? error.exitCode : ExitCode.internal;
  }
}
