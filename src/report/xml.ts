/**
 * Just enough XML writing for junit.xml: escaping for attributes and text, and a stripping of
 * characters XML 1.0 cannot hold at all (control characters in a broker's error text would
 * otherwise make the whole file unparseable for a CI system).
 */

// XML 1.0 allows tab, LF, CR and everything from U+0020 except the surrogates and U+FFFE/U+FFFF.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type XmlAttributes = Record<string, string | number>;

export function attributes(attrs: XmlAttributes): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

/** The counts a JUnit <testsuites> and <testsuite> carry. */
export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: string;
}

/**
 * A whole junit.xml: one suite for the run (`rmq-chaos.<plan>`, its properties first) around
 * the given <testcase> lines. Finished and aborted runs both write it this way.
 */
export function junitDocument(options: {
  suite: string;
  runId: string;
  startedAt: string;
  counts: JunitCounts;
  properties: Record<string, string | number>;
  cases: readonly string[];
}): string {
  const { suite, counts } = options;
  const timestamp = options.startedAt.replace(/\.\d+Z$/, '');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'rmq-chaos', ...counts })}>`,
    `  <testsuite${attributes({ name: suite, ...counts, timestamp, id: options.runId })}>`,
    '    <properties>',
    ...Object.entries(options.properties).map(([name, value]) => `      <property${attributes({ name, value })}/>`),
    '    </properties>',
    ...options.cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
