/**
 * The coordinator's phases, read from its log: `run`'s progress lines start with
 * `[<phase> <elapsed>/<planned>]` (src/run/progress.ts; plain lines every 5 s when not a TTY,
 * as in a pod). The first line of a phase says it began; a phase shorter than the interval may
 * show no line, so a later phase also counts as having passed every phase before it.
 */
export const PHASES = ['warmup', 'load', 'chaos', 'heal', 'drain'] as const;
export type Phase = (typeof PHASES)[number];

const PROGRESS = /^\[(warmup|load|chaos|heal|drain) \d/;

export class PhaseWatcher {
  private reached = -1;

  /** The phases this line shows begun that no earlier line did, in order. */
  observe(line: string): Phase[] {
    const match = PROGRESS.exec(line);
    if (!match) return [];
    const index = PHASES.indexOf(match[1] as Phase);
    if (index <= this.reached) return [];
    const begun = PHASES.slice(this.reached + 1, index + 1);
    this.reached = index;
    return [...begun];
  }
}
