/**
 * What the harness echoes back (plan values, file names, keys) may come from a binary file or
 * a hostile plan; written raw, control characters would move the cursor, clear the screen or
 * ring the bell. Every control character but the newline is shown as an escape instead.
 */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
