import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { listRuns } from '../report/run-index.ts';
import { UsageError } from '../util/errors.ts';

/** A run given as a folder path or as a run id (a folder name under the reports dir). */
export function resolveRunDir(run: string, reportsDir: string): string {
  for (const candidate of [resolve(run), resolve(reportsDir, basename(run))]) {
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  throw new UsageError(
    `no run folder ${run} (neither a folder nor a run in ${reportsDir})`,
    'give a run folder (reports/<time>-<plan>) or its name; `rmq-chaos open` alone takes the newest',
  );
}

/** The newest run folder under reportsDir. */
export async function newestRunDir(reportsDir: string): Promise<string> {
  const [newest] = await listRuns(reportsDir);
  if (!newest) throw new UsageError(`no runs in ${reportsDir}`, 'run a plan first: npm run plan smoke');
  return resolve(reportsDir, newest.dir);
}
