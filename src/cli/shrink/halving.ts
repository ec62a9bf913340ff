/**
 * The second stage of a shrink, after ddmin has picked the faults: make the run shorter. Each
 * knob (a phase's length, a fault's duration) is halved again and again while the plan still
 * fails, in the order given, one pass: the first halving that passes ends that knob (its last
 * failing value is kept) and the next knob starts from the plan as it now is.
 *
 * One pass, not a fixpoint: every knob ends on a try that passed, so a second pass costs one
 * more full run per knob and rarely finds anything (a shorter phase seldom lets another
 * phase become shorter still). `halve` says when a knob is at its floor.
 */
export interface Halving<S> {
  knobs: readonly string[];
  /** The state with `knob` halved once more, or undefined when it cannot be (at its floor, or gone). */
  halve: (state: S, knob: string) => S | undefined;
  /** True when the state still fails; may throw (budget, signal), and the caller keeps the last that failed. */
  fails: (state: S) => Promise<boolean>;
}

export async function halveWhileFailing<S>(start: S, { knobs, halve, fails }: Halving<S>): Promise<S> {
  let current = start;
  for (const knob of knobs) {
    for (let next = halve(current, knob); next !== undefined && (await fails(next)); next = halve(current, knob))
      current = next;
  }
  return current;
}
