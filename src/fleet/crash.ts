/** A fleet process that exited without being asked, and whether the plan lets the run go on. */
export interface Crash {
  worker: string;
  description: string;
  failsRun: boolean;
}
