import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The CLI entry point, run as users run it (node bin/rmq-chaos.js). */
export const BIN = join(import.meta.dirname, '../../bin/rmq-chaos.js');

/**
 * `rmq-chaos doctor <args>` as users run it, asynchronously: consumers in the calling test's
 * process must keep answering the broker meanwhile (a spawnSync would freeze them).
 */
export function doctorCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'doctor', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
