import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { formatAbortedConsole } from '../../../src/report/aborted-text.ts';
import { readRunSummary } from '../../../src/report/run-files.ts';
import { indexRow, renderRunIndex } from '../../../src/report/run-index.ts';
import { ABORTED_REPORT_WRITERS, writeReports } from '../../../src/report/write-reports.ts';
import { renderAbortedJunit } from '../../../src/report/writers/aborted-junit.ts';
import { renderAbortedMarkdown } from '../../../src/report/writers/aborted-markdown.ts';
import { renderAbortedPage } from '../../../src/report/writers/aborted-page.ts';
import { ProcessExitedError } from '../../../src/runtime/managed-process.ts';
import { abortedSummary } from '../run/aborted-fixture.ts';

describe('reports of an aborted run', () => {
  it('the console says ABORTED, why, the counts so far and what was cleaned up', () => {
    expect(formatAbortedConsole(abortedSummary()).split('\n')).toEqual([
      'plan aborted: ABORTED after 92.5 s, in phase cluster, 91.2 s after the start: the name server lists no ' +
        'broker after 90000 ms (readiness-timeout)',
      '  measured so far  attempted 0, acked 0, send errors 0, received 0, samples 0',
      '  cleanup steps: none (nothing had registered one yet)',
      '  process namesrv-0 (pid 4101): SIGTERM, stopped earlier by rmq-chaos',
      '  process broker-a (pid 4102): exit 1, ended by itself',
      '  work folder /tmp/rmq-chaos/20261125-100000Z-aborted: deleted',
    ]);
  });

  it("summary.md, junit.xml and the page say it, with a process's last output apart", () => {
    const exited = new ProcessExitedError(
      'broker-a',
      { code: 1, signal: null, lastLines: ['java.io.IOException: <no store>'] },
      'a line matching /boot success/',
    );
    const s = abortedSummary(exited);
    const md = renderAbortedMarkdown(s);
    expect(md).toContain('## ⚠️ rmq-chaos `aborted`: ABORTED');
    expect(md).toContain('**Stopped** in phase cluster, 91.2 s after the start: [broker-a] exited (code 1)');
    expect(md).toContain('```\njava.io.IOException: <no store>\n```');
    expect(md).toContain('- process broker-a (pid 4102): exit 1, ended by itself');

    const junit = new XMLParser({ ignoreAttributes: false }).parse(renderAbortedJunit(s)) as {
      testsuites: { '@_errors': string; testsuite: { testcase: { error: { '@_type': string; '#text': string } } } };
    };
    expect(junit.testsuites['@_errors']).toBe('1');
    expect(junit.testsuites.testsuite.testcase.error['@_type']).toBe('process-exited');
    expect(junit.testsuites.testsuite.testcase.error['#text']).toContain('java.io.IOException: <no store>');

    const page = renderAbortedPage(s);
    expect(page).toContain('<span class="verdict">aborted</span>');
    expect(page).toContain('<pre>java.io.IOException: &lt;no store&gt;</pre>');
    expect(page).toContain('<li>process namesrv-0 (pid 4101): SIGTERM, stopped earlier by rmq-chaos</li>');
  });

  it('writes summary.json, index.html, junit.xml and summary.md, and `report` reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aborted-reports-'));
    const s = abortedSummary();
    const { files, failed } = await writeReports(s, dir, ABORTED_REPORT_WRITERS);
    expect(failed).toEqual([]);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'summary.json',
      'index.html',
      'junit.xml',
      'summary.md',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual(s);
    await expect(readRunSummary(dir)).resolves.toMatchObject({ verdict: 'aborted' });
  });

  it('the runs index lists it as aborted with the phase and the reason', () => {
    const row = indexRow('20261125-100000Z-aborted', abortedSummary(), true);
    expect(row).toMatchObject({
      verdict: 'aborted',
      abortReason: 'in cluster: the name server lists no broker after 90000 ms',
      lost: null,
      duplicates: null,
    });
    const html = renderRunIndex([row]);
    expect(html).toContain('<tr class="aborted"><td><span class="verdict">aborted</span>');
    expect(html).toContain('<div class="why">in cluster: the name server lists no broker after 90000 ms</div>');
  });
});
