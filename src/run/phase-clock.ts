import type { EventLog } from './event-log.ts';

/** Which phase the run is in, when each began and ended; every change is an event. */
export class PhaseClock {
  current = 'init';
  private readonly times = new Map<string, { start: number; end?: number }>();

  constructor(private readonly events: EventLog) {}

  enter(phase: string, at = Date.now()): void {
    this.end(at);
    this.times.set(phase, { start: at });
    this.current = phase;
    this.events.emit('phase', { phase }, at);
  }

  /** Closes whichever phase is open. */
  end(at = Date.now()): void {
    for (const t of this.times.values()) t.end ??= at;
  }

  /** The phase that was running at `at` ('init' before the first). */
  phaseAt(at: number): string {
    let phase = 'init';
    let latest = Number.NEGATIVE_INFINITY;
    for (const [name, t] of this.times) if (t.start <= at && t.start >= latest) [phase, latest] = [name, t.start];
    return phase;
  }

  sinceStartOf(phase: string, now = Date.now()): number {
    const t = this.times.get(phase);
    return t ? now - t.start : 0;
  }

  /** Each phase's start and length; `openUntil` (a live view's now) is where the open phase ends, else at its start. */
  summary(runStartedAt: number, openUntil?: number): Record<string, { startMs: number; durationMs: number }> {
    return Object.fromEntries(
      [...this.times].map(([name, t]) => [
        name,
        { startMs: t.start - runStartedAt, durationMs: (t.end ?? openUntil ?? t.start) - t.start },
      ]),
    );
  }
}
