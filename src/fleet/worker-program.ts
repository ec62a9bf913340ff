/**
 * Which program runs a fleet instance, known from the plan alone: the Node worker, or the Java
 * worker built for one client and version. The coordinator decides it; an agent on another host
 * is told it and builds or finds that program itself.
 */
/** Which worker program runs an instance: the Node worker, or the Java one on a client version. */
export type WorkerProgram =
  | { driver: 'node' }
  | { driver: 'java'; protocol: 'remoting' | 'grpc'; clientVersion: string };

export type JavaProgram = Extract<WorkerProgram, { driver: 'java' }>;

/** The distinct Java programs of a plan's fleets, to build before anything starts. */
export function javaProgramsOf(programs: Map<string, WorkerProgram>): JavaProgram[] {
  const seen = new Map<string, JavaProgram>();
  for (const program of programs.values())
    if (program.driver === 'java') seen.set(`${program.protocol}-${program.clientVersion}`, program);
  return [...seen.values()];
}
