import { execFileSync } from 'node:child_process';

/** True when `javap` (the JDK's class reader) runs here: the tests that read the cached jars need it. */
export function javapRuns(): boolean {
  try {
    execFileSync('javap', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
