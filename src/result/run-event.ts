/** One line of events.ndjson: what happened, when (ms since epoch), to what. */
export interface RunEvent {
  at: number;
  type: string;
  [field: string]: unknown;
}
