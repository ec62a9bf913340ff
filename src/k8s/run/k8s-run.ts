/**
 * `k8s run`: apply a rendered run, follow its coordinator, fetch its reports, delete everything
 * it created (by the run's labels) however it ends, and return the coordinator's exit code.
 *
 * Chaos Mesh Workflows (40-faults.yaml) are applied when the coordinator's log shows their
 * fault's phase begin (`-l rmq-chaos/phase=<phase>`), since their waits count from creation.
 * That is as late as the log: up to the progress interval (5 s) after the phase began.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError, HarnessError } from '../../util/errors.ts';
import { sleep } from '../../util/sleep.ts';
import { FETCHED_MARK, REPORTS_DIR } from '../coordinator.ts';
import { names, runSelector } from '../model.ts';
import { manifestText, type ManifestFile } from '../render.ts';
import type { Kubectl } from './kubectl.ts';
import { PhaseWatcher } from './phase-lines.ts';

export interface K8sRunInput {
  runId: string;
  files: ManifestFile[];
  kubectl: Kubectl;
  /** Where the manifests are written (kept for the record) and applied from. */
  manifestDir: string;
  /** Run reports are copied into `<reportsDir>/k8s-<runId>`. */
  reportsDir: string;
  timeoutMs: number;
  /** Keep the objects after the run (for a look with kubectl); default: delete them. */
  keep: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
  pollMs?: number;
}

export interface K8sRunOutcome {
  /** The coordinator container's exit code; undefined when it never finished. */
  exitCode: number | undefined;
  reportDir?: string;
  /** Why it ended early: a signal, the timeout, a kubectl failure. */
  error?: unknown;
}

const FAULTS_FILE = '40-faults.yaml';

export class K8sRunStopped extends HarnessError {
  constructor(readonly reason: string) {
    super('k8s-run-stopped', reason);
  }
}

export async function runOnKubernetes(input: K8sRunInput): Promise<K8sRunOutcome> {
  const { kubectl, log, runId } = input;
  const stop = new AbortController();
  const onAbort = () => stop.abort(new K8sRunStopped(`stopped by ${String(input.signal.reason ?? 'a signal')}`));
  input.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => stop.abort(new EnvironmentError('k8s-timeout', `the run did not finish within ${input.timeoutMs / 1000} s`)),
    input.timeoutMs,
  );
  const outcome: K8sRunOutcome = { exitCode: undefined };
  const hasFaults = input.files.some((f) => f.name === FAULTS_FILE);
  try {
    await mkdir(input.manifestDir, { recursive: true });
    for (const file of input.files)
      await writeFile(join(input.manifestDir, file.name), manifestText(file), { mode: 0o600 });
    log(`k8s: applying ${input.files.filter((f) => f.name !== FAULTS_FILE).length} files (run ${runId})`);
    for (const file of input.files.filter((f) => f.name !== FAULTS_FILE))
      await kubectl.must(['apply', '-f', join(input.manifestDir, file.name)]);
    const pod = await coordinatorPod(input, stop.signal);
    log(`k8s: coordinator pod ${pod}`);
    const phases = new PhaseWatcher();
    // One apply at a time, in phase order, while the log goes on.
    let applying: Promise<unknown> = Promise.resolve();
    await kubectl.follow(
      ['logs', '--follow', `pod/${pod}`, '-c', 'coordinator'],
      (line) => {
        log(line);
        for (const phase of hasFaults ? phases.observe(line) : []) {
          log(`k8s: phase ${phase} began: applying its Chaos Mesh faults`);
          const args = ['apply', '-f', join(input.manifestDir, FAULTS_FILE), '-l', `rmq-chaos/phase=${phase}`];
          applying = applying.then(() => kubectl.must(args));
          // Seen (and failed on) after the log ends; not an unhandled rejection meanwhile.
          applying.catch(() => {});
        }
      },
      stop.signal,
    );
    await applying;
    if (stop.signal.aborted) throw stop.signal.reason;
    outcome.exitCode = await coordinatorExit(input, pod, stop.signal);
    outcome.reportDir = await fetchReports(input, pod);
  } catch (error) {
    outcome.error = stop.signal.aborted ? stop.signal.reason : error;
  } finally {
    clearTimeout(timer);
    input.signal.removeEventListener('abort', onAbort);
    if (input.keep) log(`k8s: --keep: left the objects; delete them with kubectl delete ... -l ${runSelector(runId)}`);
    else await cleanUp(input, hasFaults);
  }
  return outcome;
}

async function poll<T>(input: K8sRunInput, signal: AbortSignal, what: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const value = await what();
    if (value !== undefined) return value;
    await sleep(input.pollMs ?? 2000);
  }
}

function coordinatorPod(input: K8sRunInput, signal: AbortSignal): Promise<string> {
  const selector = `${runSelector(input.runId)},app.kubernetes.io/component=coordinator`;
  return poll(input, signal, async () => {
    const out = await input.kubectl.must([
      'get',
      'pods',
      '-l',
      selector,
      '-o',
      'jsonpath={.items[0].metadata.name} {.items[0].status.phase}',
    ]);
    const [name, phase] = out.trim().split(/\s+/);
    // Logs can be followed once the container runs (or has already finished).
    return name && phase && phase !== 'Pending' ? name : undefined;
  });
}

function coordinatorExit(input: K8sRunInput, pod: string, signal: AbortSignal): Promise<number> {
  return poll(input, signal, async () => {
    const out = await input.kubectl.must([
      'get',
      `pod/${pod}`,
      '-o',
      'jsonpath={.status.containerStatuses[?(@.name=="coordinator")].state.terminated.exitCode}',
    ]);
    return out.trim() === '' ? undefined : Number(out.trim());
  });
}

async function fetchReports(input: K8sRunInput, pod: string): Promise<string> {
  const target = join(input.reportsDir, `k8s-${input.runId}`);
  await mkdir(input.reportsDir, { recursive: true });
  await input.kubectl.must(['cp', `${pod}:${REPORTS_DIR}`, target, '-c', 'reports']);
  // Lets the report holder end (the pod is deleted next anyway, unless --keep).
  await input.kubectl.run(['exec', `pod/${pod}`, '-c', 'reports', '--', 'touch', FETCHED_MARK]);
  input.log(`k8s: reports copied to ${target}`);
  return target;
}

/** Deletes every kind the run created, by its labels; a failure is reported, not thrown (we are ending). */
async function cleanUp(input: K8sRunInput, hasFaults: boolean): Promise<void> {
  const kinds = ['jobs', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims'];
  if (hasFaults) kinds.push('workflows.chaos-mesh.org');
  const result = await input.kubectl.run([
    'delete',
    kinds.join(','),
    '-l',
    runSelector(input.runId),
    '--ignore-not-found',
    '--wait=false',
  ]);
  if (result.code === 0) input.log(`k8s: deleted the run's objects (${names(input.runId).coordinator}, ...)`);
  else
    input.log(
      `k8s: could not delete the run's objects: ${result.stderr.trim()}; ` +
        `run kubectl delete ${kinds.join(',')} -l ${runSelector(input.runId)}`,
    );
}
