/**
 * `rmq-chaos agent`: a load host's end of a multi-host run. It waits for a coordinator
 * (`rmq-chaos run <plan> --agents host:port,...`), proves it holds the shared token, and runs
 * the fleet instances it is asked for. Stops its workers when the coordinator leaves; with
 * `--once` it exits after one coordinator (a Kubernetes Job's pod then completes).
 */
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { assertLoopbackUrl } from '../../network/loopback.ts';
import { AgentServer } from '../../agents/agent-server.ts';
import { DEFAULT_AGENT_PORT } from '../../agents/agent-protocol.ts';
import { readToken } from '../../agents/token.ts';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from '../../plan/defaults.ts';
import { UsageError } from '../../util/errors.ts';
import { packageVersion } from '../../util/package-version.ts';

interface AgentOptions {
  listen: string;
  name?: string;
  capacity: string;
  tokenFile?: string;
  once?: boolean;
  clockSkew?: string;
  toxiproxy?: string;
}

function listenAddress(text: string): { host: string; port: number } {
  const match = /^([^\s:]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port > 65_535)
    throw new UsageError(`--listen ${text}: expected host:port such as 0.0.0.0:${DEFAULT_AGENT_PORT}`);
  return { host: match[1], port };
}

function integerOption(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${flag} ${text}: expected an integer from ${min} to ${max}`);
  return value;
}

export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description("run fleet instances for a coordinator on another host (see the README's Agents section)")
    .option('--listen <host:port>', 'address to listen on', `0.0.0.0:${DEFAULT_AGENT_PORT}`)
    .option('--name <name>', 'agent name in logs (default: the host name)')
    .option('--capacity <n>', 'most instances run at once', String(D.agent.capacity))
    .option('--token-file <path>', 'file holding the shared token (default: $RMQ_CHAOS_AGENT_TOKEN)')
    .option('--once', 'exit after serving one coordinator')
    .option(
      '--toxiproxy <url>',
      "Toxiproxy API for this host's client links (e.g. a pod's sidecar, http://127.0.0.1:8474); " +
        'default: the agent starts its own when a run has network faults',
    )
    .addOption(
      new Option(
        '--clock-skew <ms>',
        'test aid: act as a host whose clock is this far ahead (consumers only)',
      ).hideHelp(),
    )
    .action(async (options: AgentOptions) => {
      const { host, port } = listenAddress(options.listen);
      const token = readToken(options.tokenFile);
      const server = new AgentServer({
        name: options.name ?? hostname(),
        host,
        port,
        capacity: integerOption('--capacity', options.capacity, L.agentCapacity.min, L.agentCapacity.max),
        token,
        rmqChaosVersion: packageVersion(),
        once: options.once ?? false,
        log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
        ...(options.toxiproxy === undefined ? {} : { toxiproxyUrl: assertLoopbackUrl(options.toxiproxy).origin }),
        ...(options.clockSkew === undefined
          ? {}
          : { clockSkewMs: integerOption('--clock-skew', options.clockSkew, -86_400_000, 86_400_000) }),
      });
      await server.listen();
      const stop = () => void server.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await server.closed();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });
}
