import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../util/errors.ts';

const execFileAsync = promisify(execFile);

interface ToolSpec {
  command: string;
  versionArgs: string[];
  purpose: string;
  install: string;
}

export const TOOLS = {
  java: {
    command: 'java',
    versionArgs: ['-version'],
    purpose: 'runs the RocketMQ name server, brokers and proxy',
    install: 'apt-get install -y openjdk-17-jre-headless',
  },
  mvn: {
    command: 'mvn',
    versionArgs: ['-v'],
    purpose: 'downloads the RocketMQ jars from Maven Central',
    install: 'apt-get install -y maven',
  },
  go: {
    command: 'go',
    versionArgs: ['version'],
    purpose: 'builds Toxiproxy (network faults)',
    install: 'apt-get install -y golang-go (Go 1.22 or newer)',
  },
} as const satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOLS;

/** Fails with one line naming the missing tool, what it is for and how to install it. */
export async function requireTool(name: ToolName): Promise<string> {
  const tool = TOOLS[name];
  try {
    const { stdout, stderr } = await execFileAsync(tool.command, tool.versionArgs, { timeout: 30_000 });
    return (stdout || stderr).split('\n')[0]?.trim() ?? '';
  } catch (error) {
    throw new EnvironmentError('tool-missing', `${tool.command} is not available (it ${tool.purpose})`, tool.install, {
      cause: error,
    });
  }
}
