import type { Command } from 'commander';
import { containerRuntime } from '../../cluster/containers/runtime.ts';
import { ensureBrowser } from '../../setup/browser.ts';
import { ensureImages } from '../../setup/container-images.ts';
import { ensureActionlint } from '../../setup/dev-tools.ts';
import { ensureK8sBinaries } from '../../setup/k8s-binaries.ts';
import { ensurePrometheus } from '../../setup/prometheus.ts';
import { provision } from '../../setup/provision.ts';
import { ACTIONLINT_VERSION, ETCD_VERSION, KUBERNETES_VERSION } from '../../setup/versions.ts';
import { describeError } from '../../util/errors.ts';

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description(
      'fetch the pinned RocketMQ jars and build Toxiproxy (and actionlint and Prometheus, for the tests) ' +
        'into the cache ' +
        '(idempotent; `run` does what it needs)',
    )
    .option(
      '--images',
      "also build the containers provider's images locally (debootstrap + JRE, RocketMQ, Toxiproxy) with " +
        'Podman or Docker',
    )
    .option(
      '--browser',
      "also provide the Chromium that the HTML report's browser test drives (CHROMIUM_PATH, a system " +
        'Chromium, or @sparticuz/chromium from npm unpacked into the cache)',
    )
    .option(
      '--k8s',
      `also build etcd ${ETCD_VERSION}, kube-apiserver and kubectl ${KUBERNETES_VERSION} from the Go module ` +
        'proxy, for the test that dry-runs the rendered manifests on a real API server (about 8 minutes on ' +
        'two cores with a cold Go cache, so not part of plain setup)',
    )
    .action(async (options: { images?: boolean; browser?: boolean; k8s?: boolean }) => {
      const started = performance.now();
      const log = (line: string) => process.stdout.write(`setup: ${line}\n`);
      const result = await provision(log);
      // Only the workflow lint test needs actionlint, never a run: a failure here is a warning,
      // so an offline machine with a complete run cache can still run plans.
      try {
        log(`actionlint ${ACTIONLINT_VERSION}: ${await ensureActionlint(log, result.paths.root)}`);
      } catch (error) {
        log(`warning: actionlint not installed (the workflow lint test needs it): ${describeError(error)}`);
      }
      // Likewise Prometheus, which only the test that scrapes `--out prometheus` runs.
      try {
        log(`Prometheus: ${(await ensurePrometheus(log, result.paths.root)).deb}`);
      } catch (error) {
        log(`warning: Prometheus not unpacked (the --out prometheus test needs it): ${describeError(error)}`);
      }
      if (options.browser) {
        const browser = await ensureBrowser(log);
        log(`Chromium: ${browser.description}${browser.source === 'npm' ? '' : ` (${browser.source})`}`);
      }
      if (options.k8s) {
        const k8s = await ensureK8sBinaries(log, result.paths.root);
        log(`Kubernetes binaries: ${k8s.bin}`);
      }
      if (options.images) {
        const runtime = await containerRuntime(log);
        log(`container runtime: ${runtime.kind} (${runtime.dockerHost}); images built with ${runtime.cli}`);
        const built = await ensureImages(log, runtime.cli);
        log(built.length ? `images built: ${built.join(', ')}` : 'images: all present');
      }
      process.stdout.write(
        `setup: ready in ${((performance.now() - started) / 1000).toFixed(1)}s (cache ${result.paths.root})\n`,
      );
    });
}
