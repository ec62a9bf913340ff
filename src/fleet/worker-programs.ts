/**
 * The programs a run's fleet instances run as: the Node worker, or the Java worker built for
 * one client and version. Java workers are built (or found in the cache) before the cluster
 * starts, so a missing JDK or an unresolvable clientVersion stops the run before anything
 * runs; afterwards each instance gets its launch by id, and an instance a fault adds later
 * (scale) runs what its fleet runs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { javaWorkerLaunch, nodeWorkerLaunch, type WorkerLaunch } from './worker-launch.ts';
import { provisionJavaWorker, type JavaWorkerBuild } from '../setup/java-worker.ts';
import type { SetupLog } from '../setup/provision.ts';
import { requireTool } from '../setup/tools.ts';
import { type JavaProgram, javaProgramsOf, type WorkerProgram } from './worker-program.ts';

const keyOf = (program: JavaProgram) => `${program.protocol}-${program.clientVersion}`;

export class WorkerPrograms {
  private constructor(
    private readonly programs: Map<string, WorkerProgram>,
    private readonly builds: Map<string, JavaWorkerBuild>,
    /** Where each Java instance gets its own folder for client logs and user.home. */
    private readonly javaHome: string,
  ) {}

  /** Builds every Java program `programs` names (cached after the first time). */
  static async prepare(programs: Map<string, WorkerProgram>, workDir: string, log: SetupLog): Promise<WorkerPrograms> {
    const java = javaProgramsOf(programs);
    const builds = new Map<string, JavaWorkerBuild>();
    // Even a cached build needs a JVM to run: say so before the cluster starts.
    if (java.length > 0) await requireTool('java');
    for (const program of java)
      builds.set(
        keyOf(program),
        await provisionJavaWorker({ protocol: program.protocol, version: program.clientVersion }, log),
      );
    return new WorkerPrograms(programs, builds, join(workDir, 'java'));
  }

  /** What runs instance `id` of `fleet`: its own program, else its fleet's (instances added by scale). */
  programOf(id: string, fleet: string): WorkerProgram {
    const own = this.programs.get(id);
    if (own) return own;
    for (const [other, program] of this.programs) if (other.startsWith(`${fleet}#`)) return program;
    return { driver: 'node' };
  }

  launchOf(id: string, fleet: string): WorkerLaunch {
    return this.launch(this.programOf(id, fleet), id);
  }

  /** Instance `id` as `program` (built by prepare): for an agent, which is told each instance's program. */
  launch(program: WorkerProgram, id: string): WorkerLaunch {
    if (program.driver === 'node') return nodeWorkerLaunch();
    const build = this.builds.get(keyOf(program));
    if (!build) throw new Error(`internal: no Java worker was built for ${keyOf(program)} (instance ${id})`);
    const logDir = join(this.javaHome, id.replace(/[^A-Za-z0-9_.-]/g, '_'));
    mkdirSync(logDir, { recursive: true });
    return javaWorkerLaunch(build, { logDir });
  }
}
