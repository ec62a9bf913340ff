/**
 * Server-sent events framing (the WHATWG "event stream"): a named event is `event: <name>`,
 * then its data as `data:` lines (one per line of it: a newline inside a data line would end
 * it early), then a blank line.
 */

export function sseEvent(name: string, data: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
  return `event: ${name}\n${lines.join('\n')}\n\n`;
}

/** How long a browser waits before it reconnects a dropped stream, ms (`retry:`). */
export function sseRetry(ms: number): string {
  return `retry: ${Math.round(ms)}\n\n`;
}
