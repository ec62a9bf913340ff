import { createWriteStream, type WriteStream } from 'node:fs';
import type { RunEvent } from '../result/run-event.ts';

/**
 * Appends run events to `events.ndjson` and keeps them for the summary and report; `onEvent`
 * also hands each one, as it happens, to whoever watches the run (the `--out` outputs).
 */
export class EventLog {
  readonly events: RunEvent[] = [];
  private readonly out: WriteStream;

  constructor(
    file: string,
    private readonly onEvent: (event: RunEvent) => void = () => {},
  ) {
    this.out = createWriteStream(file, { flags: 'a' });
  }

  emit(type: string, fields: Record<string, unknown> = {}, at = Date.now()): RunEvent {
    const event: RunEvent = { at, type, ...fields };
    this.events.push(event);
    this.out.write(`${JSON.stringify(event)}\n`);
    this.onEvent(event);
    return event;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
