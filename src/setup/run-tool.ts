import { spawn } from 'node:child_process';
import { EnvironmentError } from '../util/errors.ts';

/**
 * Runs a tool, keeping its output for the error message instead of flooding the console.
 * `onFailureOutput` gets the last 4000 characters it printed when it fails (the error keeps 8 lines).
 */
export function runTool(
  command: string,
  args: string[],
  cwd: string,
  failure: string,
  hint: string,
  env = process.env,
  onFailureOutput?: (output: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new EnvironmentError('setup-failed', `${failure}: ${error.message}`, hint)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      onFailureOutput?.(output);
      const tail = output.trim().split('\n').slice(-8).join('\n  ');
      reject(new EnvironmentError('setup-failed', `${failure} (exit ${code}):\n  ${tail}`, hint));
    });
  });
}
