/**
 * Run ids that no two runs share. An id is readable (`20261206-084512Z-smoke`), so two runs of
 * one plan started in the same second (a CI matrix, two terminals) would get the same one and
 * share work, state and report folders, each killing the other's nodes. So an id is claimed:
 * its folders are created exclusively (mkdir fails when one exists), which the file system
 * makes atomic across processes; a taken or leftover id gets the next suffix (`-2`, `-3` ...).
 * An id is never reused, not even one a finished run left behind.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, HarnessError } from '../util/errors.ts';

const MAX_ATTEMPTS = 10_000;

/** The readable part of an id: the start time to the second (UTC) and the plan's name. */
export function runIdBase(name: string, now = new Date()): string {
  return `${utcStamp(now)}-${name}`;
}

/** `20261206-084512Z`: sorts by time, reads at a glance, and is safe in a folder name. */
export function utcStamp(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
}

/**
 * Claims the first free id of `base`, `base-2`, `base-3` ... by creating `<parent>/<id>` in every
 * parent folder (run state, work, reports); returns the id, whose folders now exist and are this
 * run's alone. Parents are created as needed.
 */
export function claimRunId(base: string, parents: readonly string[]): string {
  for (const parent of parents) mkdirSync(parent, { recursive: true });
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const id = attempt === 1 ? base : `${base}-${attempt}`;
    const made: string[] = [];
    let taken = false;
    for (const parent of parents) {
      const dir = join(parent, id);
      try {
        mkdirSync(dir);
        made.push(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          for (const d of made) rmSync(d, { recursive: true, force: true });
          throw error;
        }
        taken = true;
        break;
      }
    }
    if (!taken) return id;
    // Another run holds this id in some folder: give back what this attempt made, try the next.
    for (const d of made) rmSync(d, { recursive: true, force: true });
  }
  throw new HarnessError(
    'run-id',
    `no free run id after ${MAX_ATTEMPTS} tries for ${base} in ${parents.join(', ')}`,
    ExitCode.internal,
    'remove old run folders (rmq-chaos cleanup; old reports) and start the run again',
  );
}
