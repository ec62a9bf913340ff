/**
 * `doctor --export` when it cannot do its job, through the binary: a name server it cannot reach
 * exits 1 naming the address and leaves no file (not even a temporary one); a target it could
 * never write is a usage error (exit 2) found before the cluster is asked anything.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doctor(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, 'doctor', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('doctor --export on bad input', () => {
  it('an unreachable name server: exit 1 naming the address, and no file written', () => {
    const target = join(dir, 'exported.yaml');
    const result = doctor('--namesrv', '127.0.0.1:1', '--window', '0s', '--export', target);
    expect(result.code, result.err).toBe(1);
    expect(result.err).toMatch(/^rmq-chaos: cannot reach the name server at 127\.0\.0\.1:1: /);
    expect(result.out).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a target folder that does not exist, or a file that is not YAML: exit 2 before any request', () => {
    // The name server is unreachable too: exit 2, not 1, shows the path was checked first.
    const missing = doctor('--namesrv', '127.0.0.1:1', '--export', join(dir, 'no-such-folder', 'x.yaml'));
    expect(missing.code, missing.err).toBe(2);
    expect(missing.err).toMatch(/^rmq-chaos: --export: the folder .*no-such-folder does not exist/);
    const text = doctor('--namesrv', '127.0.0.1:1', '--export', join(dir, 'x.txt'));
    expect(text.code, text.err).toBe(2);
    expect(text.err).toContain('--export: expected a .yaml file');
    expect(readdirSync(dir)).toEqual([]);
  });
});
