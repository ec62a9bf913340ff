/**
 * `rmq-chaos matrix` for real: smoke (shortened) on 4.9.7 and 5.3.3, and master-slave beside a
 * controller combination that 4.9.7 cannot validate (skipped, never started), one run at a
 * time as child processes; the page, matrix.md and matrix.json list every combination, the exit
 * code is the matrix's, and Ctrl-C stops the running child and the matrix with nothing left.
 * Only ha none and master-slave run here: the local provider does not start the others yet.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixResult, RanRow } from '../../src/report/matrix/matrix-result.ts';
import { isProcessAlive } from '../../src/util/process-info.ts';
import { BIN } from '../support/cli.ts';

const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-matrix-'));
afterAll(() => rmSync(reports, { recursive: true, force: true }));

const SHORT = ['--set', 'phases.warmup=3s', '--set', 'phases.load=5s'];

interface MatrixRun {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string | undefined;
  result: MatrixResult | undefined;
}

/** Runs `rmq-chaos matrix ...` into its own reports dir; `onStderr` sees stderr as it grows (to send signals). */
function matrix(args: string[], onStderr?: (stderr: string, pid: number) => void): Promise<MatrixRun> {
  const into = mkdtempSync(join(reports, 'm-'));
  const child = spawn(process.execPath, [BIN, 'matrix', ...args, '--reports', into], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, child.pid!);
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const [name] = readdirSync(into).filter((n) => n.startsWith('matrix-'));
      const dir = name === undefined ? undefined : join(into, name);
      const file = dir && join(dir, 'matrix.json');
      const result = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MatrixResult) : undefined;
      resolve({ code, stdout, stderr, dir, result });
    }),
  );
}

/** Every pid a run recorded (cluster nodes, fleet workers). */
function runPids(runDir: string): number[] {
  const events = readFileSync(join(runDir, 'events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; pid?: number; nodes?: { pid: number }[] });
  return [
    ...events.filter((e) => e.type === 'cluster-ready').flatMap((e) => e.nodes!.map((n) => n.pid)),
    ...events.filter((e) => e.type === 'worker-start').map((e) => e.pid!),
  ];
}

const ran = (result: MatrixResult | undefined) => (result?.rows ?? []).filter((r): r is RanRow => r.status === 'ran');

describe('rmq-chaos matrix on real clusters', () => {
  it('runs smoke on 4.9.7 and 5.3.3, one at a time, and compares them on one page (exit 0)', async () => {
    const started = Date.now();
    const m = await matrix(['smoke', '--versions', '4.9.7,5.3.3', ...SHORT]);
    process.stdout.write(`${m.stdout}matrix of 2 took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(m.code, `${m.stdout}\n${m.stderr}`).toBe(0);
    expect(m.result?.verdict).toBe('pass');
    expect(m.result?.rows.map((r) => [r.combination, r.status])).toEqual([
      ['4.9.7 × none', 'ran'],
      ['5.3.3 × none', 'ran'],
    ]);
    for (const row of ran(m.result)) {
      expect(row).toMatchObject({ verdict: 'pass', failed: false, exitCode: 0, lost: 0, duplicates: 0 });
      expect(row.e2eP99Ms).toBeGreaterThan(0);
      // Each run went into its combination's folder, wrote its page, and ran the version asked for.
      expect(row.report).toMatch(new RegExp(`^${row.version}-none/\\d{8}-\\d{6}Z-smoke/index\\.html$`));
      expect(existsSync(join(m.dir!, row.report!))).toBe(true);
      const summary = JSON.parse(readFileSync(join(m.dir!, row.runDir!, 'summary.json'), 'utf8')) as {
        run: { rocketmqVersion: string };
      };
      expect(summary.run.rocketmqVersion).toBe(row.version);
      for (const pid of runPids(join(m.dir!, row.runDir!))) expect(isProcessAlive(pid), `pid ${pid}`).toBe(false);
    }
    // One at a time: the second run started after the first ended.
    const [first, second] = ran(m.result).map((r) =>
      JSON.parse(readFileSync(join(m.dir!, r.runDir!, 'summary.json'), 'utf8')),
    ) as { run: { startedAt: string; endedAt: string } }[];
    expect(Date.parse(second!.run.startedAt)).toBeGreaterThan(Date.parse(first!.run.endedAt));

    const page = readFileSync(join(m.dir!, 'index.html'), 'utf8');
    expect(page).toContain('<h1><span class="verdict matrix-pass">pass</span> matrix smoke</h1>');
    expect(page.match(/<tr class="pass"><td class="combo">(4\.9\.7|5\.3\.3) × none<\/td>/g)).toHaveLength(2);
    expect(readFileSync(join(m.dir!, 'matrix.md'), 'utf8')).toMatch(/\| 5\.3\.3 × none \| pass \| 0 \| 0 \|/);
    // Progress streamed with the combination in front; the table and the files on stdout, the page last.
    expect(m.stderr).toMatch(/^\[4\.9\.7 × none\] \[load \d+s\/5s\]/m);
    expect(m.stdout).toMatch(/^matrix smoke: PASS \(2 combinations: 2 passed, 0 failed\)$/m);
    expect(m.stdout.trim().split('\n').at(-1)).toBe(`matrix: ${join(m.dir!, 'index.html')}`);
  }, 300_000);

  it('skips ha controller on 4.9.7 with the reason, runs master-slave, and exits 0', async () => {
    const m = await matrix(['smoke', '--versions', '4.9.7', '--ha', 'master-slave,controller', ...SHORT]);
    expect(m.code, `${m.stdout}\n${m.stderr}`).toBe(0);
    const [slave, controller] = m.result!.rows;
    expect(slave).toMatchObject({ combination: '4.9.7 × master-slave', status: 'ran', verdict: 'pass', lost: 0 });
    expect(controller).toMatchObject({ combination: '4.9.7 × controller', status: 'skipped' });
    expect(controller?.status === 'skipped' && controller.reason[0]).toMatch(
      /^cluster\.ha: ha controller needs RocketMQ 5\.x \(RocketMQ 4\.9\.7 has no controller\)/,
    );
    // Never started: no folder for it.
    expect(readdirSync(m.dir!).sort()).toEqual(['4.9.7-master-slave', 'index.html', 'matrix.json', 'matrix.md']);
    const page = readFileSync(join(m.dir!, 'index.html'), 'utf8');
    expect(page).toMatch(/<tr class="skipped"><td class="combo">4\.9\.7 × controller<\/td>.*ha controller needs/);
    expect(m.stderr).toMatch(/^matrix: skipping 4\.9\.7 × controller:\n {2}cluster\.ha: ha controller needs/m);
  }, 300_000);

  it('exits 2 and starts nothing when no combination is valid', async () => {
    const m = await matrix(['smoke', '--versions', '4.9.7', '--ha', 'controller']);
    expect(m.code).toBe(2);
    expect(m.dir).toBeUndefined();
    expect(m.stderr).toMatch(/rmq-chaos: no combination of .*smoke\.yaml is valid/);
  });

  it('Ctrl-C stops the running combination and the matrix: exit 130, the rest not run, nothing left', async () => {
    let sent = false;
    const m = await matrix(['smoke', '--versions', '4.9.7,5.3.3', '--set', 'phases.load=30s'], (stderr, pid) => {
      if (sent || !/^\[4\.9\.7 × none\] \[load \d+s/m.test(stderr)) return;
      sent = true;
      process.kill(pid, 'SIGINT');
    });
    expect(sent).toBe(true);
    expect(m.code, `${m.stdout}\n${m.stderr}`).toBe(130);
    expect(m.result?.verdict).toBe('stopped');
    const [stopped, next] = m.result!.rows;
    expect(stopped).toMatchObject({ status: 'ran', verdict: 'aborted', exitCode: 130, failed: true });
    expect(next).toMatchObject({ status: 'not-run', reason: 'not run: stopped by SIGINT' });
    // The child got the signal once (graceful stop), not twice (kill at once).
    expect(m.stderr).not.toMatch(/SIGINT again/);
    expect(m.stderr).toMatch(/\[4\.9\.7 × none\] rmq-chaos: run stopped by SIGINT; everything it started was stopped/);
    const runDir = join(m.dir!, (stopped as RanRow).runDir!);
    const pids = runPids(runDir);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(isProcessAlive(pid), `pid ${pid}`).toBe(false);
  }, 300_000);
});
