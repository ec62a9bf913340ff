import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopOpener } from '../../../src/cli/commands/open.ts';
import { newestRunDir, resolveRunDir } from '../../../src/cli/run-dirs.ts';
import { UsageError } from '../../../src/util/errors.ts';

describe('finding a run for report and open', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const reportsDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-runs-'));
    dirs.push(dir);
    cpSync('test/fixtures/runs/zombie-consumer', join(dir, '20261125-193129Z-zombie-consumer'), { recursive: true });
    cpSync('test/fixtures/runs/flap-duplicates', join(dir, '20261125-193406Z-flap-duplicates'), { recursive: true });
    return dir;
  };

  it('takes a folder path or a run id under the reports dir', () => {
    const reports = reportsDir();
    const run = join(reports, '20261125-193129Z-zombie-consumer');
    expect(resolveRunDir(run, '/nowhere')).toBe(run);
    expect(resolveRunDir('20261125-193129Z-zombie-consumer', reports)).toBe(run);
    expect(() => resolveRunDir('20261125-000000Z-none', reports)).toThrow(UsageError);
  });

  it('the newest run is the latest started; an empty reports dir is a usage error', async () => {
    await expect(newestRunDir(reportsDir())).resolves.toMatch(/20261125-193406Z-flap-duplicates$/);
    const empty = mkdtempSync(join(tmpdir(), 'rmq-chaos-runs-'));
    dirs.push(empty);
    mkdirSync(join(empty, 'not-a-run'));
    await expect(newestRunDir(empty)).rejects.toThrow(/no runs in/);
  });

  it('opens with xdg-open only where there is a display, with open on macOS', () => {
    expect(desktopOpener('linux', {})).toBeUndefined();
    expect(desktopOpener('linux', { DISPLAY: ':0' })).toBe('xdg-open');
    expect(desktopOpener('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe('xdg-open');
    expect(desktopOpener('darwin', {})).toBe('open');
    expect(desktopOpener('win32', { DISPLAY: ':0' })).toBeUndefined();
  });
});
