/**
 * The plans a shrink tries, as edits of the original plan's YAML document: faults left out,
 * phases and fault durations halved, the seed written in. Edits of the document, not of the
 * resolved plan, so each candidate is a plan file a person can read and run (comments, layout
 * and every field it does not touch stay as they were), validated as `run` validates it.
 *
 * A candidate is the kept faults (indexes in the original `faults:` list) and how often each
 * knob was halved: `phase:<name>` halves the phase and, with it, `at`, `every` and `duration`
 * of the faults timed from that phase (so they still fall where they fell, in proportion, and
 * the plan stays valid); `duration:<i>` halves fault i's own `duration`. Values are always
 * computed from the original (value / 2^k, to the ms), so a candidate is one key in the cache.
 *
 * The unit of ddmin is a `faults:` entry. An entry repeated with `count`/`every` stays one unit
 * (its occurrences share their parameters; splitting them would change the plan's shape), and
 * an entry with random targets draws them from the seed and its index in the list, so leaving
 * out an earlier entry can change its draw: the run of each candidate is what decides, and the
 * tries table shows what it decided.
 */
import { type Document, parseDocument } from 'yaml';
import { loadPlanText } from '../../plan/load-plan.ts';
import { RUN_PHASES, type FaultPhase } from '../../plan/phase-lengths.ts';
import type { ResolvedPlan } from '../../plan/resolved-plan.ts';
import { formatDuration } from '../../plan/units.ts';
import { PlanError } from '../../util/errors.ts';

export interface Candidate {
  /** Indexes of the original plan's faults, ascending. */
  faults: readonly number[];
  /** Knob → how many times it is halved; absent is 0. */
  halvings: Readonly<Record<string, number>>;
}

/** Below this a phase or a fault duration is not halved: a run needs some time to do anything. */
export const HALVING_FLOOR_MS = 1000;

export function candidateKey(c: Candidate): string {
  const halvings = Object.entries(c.halvings)
    .filter(([, k]) => k > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([c.faults, halvings]);
}

export class CandidatePlans {
  private readonly doc: Document;
  readonly plan: ResolvedPlan;

  /** `text` is the plan as the run ran it (its plan.yaml); `file` names it in messages. */
  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.plan = loadPlanText(text, file);
    this.doc = parseDocument(text);
  }

  /** Every fault, nothing halved: the plan as it ran. */
  original(): Candidate {
    return { faults: this.plan.faults.map((_, i) => i), halvings: {} };
  }

  faultName(index: number): string {
    return this.plan.faults[index]?.name ?? `fault ${index}`;
  }

  /**
   * Phases first, the one the run spent longest in first (it costs every try the most; `spentMs`
   * from the original run's summary, else the planned lengths: a drain that ends when the backlog
   * is gone costs less than planned), then each fault's own duration.
   */
  knobs(spentMs: Partial<Record<FaultPhase, number>> = {}): string[] {
    const cost = (p: FaultPhase) => spentMs[p] ?? this.originalPhaseMs(p);
    const phases = RUN_PHASES.filter((p) => this.originalPhaseMs(p) > 0).sort((a, b) => cost(b) - cost(a));
    const durations = this.plan.faults.flatMap((f, i) =>
      f.occurrences[0]?.durationMs != null && this.doc.hasIn(['faults', i, 'duration']) ? [`duration:${i}`] : [],
    );
    return [...phases.map((p) => `phase:${p}`), ...durations];
  }

  halve(c: Candidate, knob: string): Candidate | undefined {
    const k = (c.halvings[knob] ?? 0) + 1;
    const [kind, name = ''] = knob.split(':');
    if (kind === 'phase') {
      if (Math.round(this.originalPhaseMs(name as FaultPhase) / 2 ** k) < HALVING_FLOOR_MS) return undefined;
    } else {
      const index = Number(name);
      if (!c.faults.includes(index)) return undefined;
      if (Math.round(this.durationMs(c, index) / 2) < HALVING_FLOOR_MS) return undefined;
    }
    return { faults: c.faults, halvings: { ...c.halvings, [knob]: k } };
  }

  /** Each phase's length in the candidate, in run order (0 for a phase the plan leaves out). */
  phases(c: Candidate): Record<FaultPhase, number> {
    const out = {} as Record<FaultPhase, number>;
    for (const p of RUN_PHASES) out[p] = halved(this.originalPhaseMs(p), c.halvings[`phase:${p}`]);
    return out;
  }

  /** The candidate as a plan file: the original document with the edits. */
  text(c: Candidate, header?: string): string {
    const doc = this.doc.clone();
    doc.setIn(['seed'], this.plan.seed);
    for (const p of RUN_PHASES) {
      const k = c.halvings[`phase:${p}`] ?? 0;
      if (k > 0) doc.setIn(['phases', p], planDuration(this.phases(c)[p]));
    }
    this.plan.faults.forEach((fault, i) => {
      if (!c.faults.includes(i)) return;
      const k = c.halvings[`phase:${fault.phase}`] ?? 0;
      const [first, second] = fault.occurrences;
      if (k > 0 && first && first.atMs > 0) doc.setIn(['faults', i, 'at'], planDuration(halved(first.atMs, k)));
      if (k > 0 && first && second && doc.hasIn(['faults', i, 'every']))
        doc.setIn(['faults', i, 'every'], planDuration(halved(second.atMs - first.atMs, k)));
      if ((k > 0 || c.halvings[`duration:${i}`]) && doc.hasIn(['faults', i, 'duration']))
        doc.setIn(['faults', i, 'duration'], planDuration(this.durationMs(c, i)));
    });
    // Backwards, so the indexes still to delete do not move.
    for (let i = this.plan.faults.length - 1; i >= 0; i--) if (!c.faults.includes(i)) doc.deleteIn(['faults', i]);
    if (c.faults.length === 0) doc.deleteIn(['faults']);
    if (header !== undefined) doc.commentBefore = header;
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  }

  /** Why the candidate is not a valid plan (its first issue), or undefined when it is one. */
  problem(c: Candidate): string | undefined {
    try {
      loadPlanText(this.text(c), this.file);
      return undefined;
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      const first = error.issues[0];
      return first ? `${first.path}: ${first.message}` : error.message;
    }
  }

  private originalPhaseMs(phase: FaultPhase): number {
    return this.plan.phases[`${phase}Ms`];
  }

  /** Fault `index`'s duration in the candidate: halved with its phase and on its own. */
  private durationMs(c: Candidate, index: number): number {
    const fault = this.plan.faults[index];
    const original = fault?.occurrences[0]?.durationMs ?? 0;
    const k = (fault ? (c.halvings[`phase:${fault.phase}`] ?? 0) : 0) + (c.halvings[`duration:${index}`] ?? 0);
    return halved(original, k);
  }
}

/** `20s`, `1m30s`, or `1500ms` where a second is split (`1s500ms` reads worse). */
function planDuration(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms) : `${ms}ms`;
}

function halved(ms: number, times = 0): number {
  return Math.round(ms / 2 ** times);
}
