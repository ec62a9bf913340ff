/**
 * `doctor --export <plan.yaml>`: the plan file. The target is checked before doctor watches the
 * cluster (a wrong path is a usage error, not a wasted window); the plan is built only from a
 * complete reading (any failed request, no group: exit 1 and no file), validated as `validate`
 * would, and written to a temporary file renamed into place, so the path never holds half a plan.
 */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NothingToExportError, exportPlan } from '../../observe/export-plan.ts';
import { exportedPlanYaml } from '../../observe/export-plan-yaml.ts';
import { loadPlanText } from '../../plan/load-plan.ts';
import { EnvironmentError, PlanError, UsageError, describeError } from '../../util/errors.ts';
import type { DoctorReport } from './doctor.ts';

/** The path as given, once its folder exists and it is not a folder itself. */
export async function exportTarget(path: string): Promise<string> {
  if (path.trim() === '') throw new UsageError('--export needs a file path', 'e.g. --export exported.yaml');
  if (!/\.ya?ml$/i.test(path))
    throw new UsageError(
      `--export: expected a .yaml file, got ${JSON.stringify(path)}`,
      'e.g. --export exported.yaml (npm run plan takes it as a path)',
    );
  const folder = dirname(path);
  const kind = await stat(folder).then(
    (s) => (s.isDirectory() ? 'folder' : 'file'),
    () => 'missing',
  );
  if (kind !== 'folder')
    throw new UsageError(`--export: the folder ${folder} does not exist`, 'create it, or write the plan elsewhere');
  if (
    await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    throw new UsageError(`--export: ${path} is a folder`, 'give a file path such as exported.yaml');
  return path;
}

export async function writeExportedPlan(path: string, report: DoctorReport): Promise<void> {
  if (report.errors.length > 0) {
    throw new EnvironmentError(
      'export-partial',
      `no plan written: doctor could not read everything from the cluster at ${report.namesrv} ` +
        `(${report.errors.length} request${report.errors.length === 1 ? '' : 's'} failed, first: ${report.errors[0]})`,
      'make every broker the name server lists reachable from here and run doctor --export again',
    );
  }
  let text: string;
  try {
    text = exportedPlanYaml(
      exportPlan({
        namesrv: report.namesrv,
        snapshots: report.observed.snapshots,
        findings: report.findings,
        brokerConfigs: report.observed.brokerConfigs,
      }),
    );
  } catch (error) {
    if (!(error instanceof NothingToExportError)) throw error;
    throw new EnvironmentError(
      'nothing-to-export',
      `no plan written: ${error.message} at ${report.namesrv}`,
      'export while the consumers run, or name their group with --group',
    );
  }
  try {
    loadPlanText(text, path);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    throw new Error(`internal: the exported plan does not validate, so it was not written:\n${describeError(error)}`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new EnvironmentError('export-write', `cannot write ${path}: ${(error as Error).message}`);
  }
}
