/**
 * RocketMQ's own SQL92 filter as an oracle: Sql92Oracle.java run on the broker version's jars
 * from the project cache (the Maven-resolved `rocketmq-<version>/lib` that `setup` fetches),
 * one JVM per batch, every case on stdin at once.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cachePaths, rocketmqPaths } from '../../../src/setup/cache-dir.ts';
import { provision } from '../../../src/setup/provision.ts';

export interface OracleCase {
  expression: string;
  properties: Readonly<Record<string, string>>;
}

/**
 * `error` (the broker refuses the expression) with the Java message, or the evaluation's
 * outcome: `true`, `false`, `null` or `throws <exception class>`.
 */
export type OracleAnswer = { outcome: string } | { error: string };

const ORACLE_SOURCE = join(import.meta.dirname, 'Sql92Oracle.java');

/** The version's jars in the cache, fetched by the project's own setup if missing (offline once cached). */
export async function provisionOracle(version: string): Promise<void> {
  await provision((line) => console.log(`setup: ${line}`), cachePaths(), { rocketmqVersion: version });
}

function encodeCase(c: OracleCase): string {
  const fields = Object.entries(c.properties).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return [encodeURIComponent(c.expression), ...fields].join('\t');
}

export async function askOracle(version: string, cases: readonly OracleCase[]): Promise<OracleAnswer[]> {
  const classpath = join(rocketmqPaths(version).lib, '*');
  const child = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', classpath, ORACLE_SOURCE], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(cases.map((c) => `${encodeCase(c)}\n`).join(''));
  const code = await exited;
  const lines = stdout.split('\n').slice(0, cases.length);
  if (code !== 0 || lines.length !== cases.length) {
    throw new Error(
      `Sql92Oracle exited ${code} after ${lines.length}/${cases.length} answers: ${stderr.slice(0, 2000)}`,
    );
  }
  return lines.map((line) => (line.startsWith('error ') ? { error: line.slice('error '.length) } : { outcome: line }));
}
