/**
 * kubectl as `k8s run` uses it: one call at a time with its output, or a followed stream of
 * lines (logs -f). Every call carries --context and --namespace, so nothing depends on the
 * user's current context changing under a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EnvironmentError } from '../../util/errors.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  constructor(
    private readonly path: string,
    private readonly namespace: string,
    private readonly context?: string,
  ) {}

  private args(args: readonly string[]): string[] {
    return [...(this.context ? ['--context', this.context] : []), '--namespace', this.namespace, ...args];
  }

  private start(args: readonly string[]): ChildProcess {
    const child = spawn(this.path, this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    return child;
  }

  /** Runs kubectl to the end; a kubectl that cannot be started is an EnvironmentError. */
  run(args: readonly string[]): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = this.start(args);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (error) => reject(notFound(this.path, error)));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  }

  /** Like run, but a non-zero exit is an error naming the command and kubectl's words. */
  async must(args: readonly string[]): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0)
      throw new EnvironmentError(
        'kubectl-failed',
        `kubectl ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
      );
    return result.stdout;
  }

  /** Streams stdout lines until kubectl exits or `signal` aborts (then it is killed). */
  follow(args: readonly string[], onLine: (line: string) => void, signal: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      // An abort that came first never fires its event again: do not start at all.
      if (signal.aborted) return resolve(1);
      const child = this.start(args);
      const stop = () => child.kill('SIGTERM');
      signal.addEventListener('abort', stop, { once: true });
      if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
      child.on('error', (error) => reject(notFound(this.path, error)));
      child.on('close', (code) => {
        signal.removeEventListener('abort', stop);
        resolve(code ?? 1);
      });
    });
  }
}

function notFound(path: string, error: Error): EnvironmentError {
  return new EnvironmentError(
    'kubectl-missing',
    `cannot run ${path}: ${error.message}`,
    'install kubectl or give its path with --kubectl',
    { cause: error },
  );
}
