import { describe, expect, it } from 'vitest';
import { escapeHtml, inlineJson, inlineScript, inlineStyle } from '../../../src/report/html/inline.ts';

describe('inlining into one HTML file', () => {
  const hostile = {
    summary: 'ends </script><script>alert(1)</script> and <!-- opens a comment',
    line: 'a\u2028b\u2029c',
    amp: 'R&D "quoted"',
  };

  it('JSON: no `</script`, `<!--` or raw line separators survive, and JSON.parse reads back the same value', () => {
    const text = inlineJson(hostile);
    expect(text).not.toMatch(/<\/script/i);
    expect(text).not.toContain('<!--');
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(hostile);
  });

  it('script: `</script` and `<!--` are escaped the way JavaScript reads back unchanged', () => {
    const source = 'var a = "</SCRIPT>"; var b = "<!-- x";';
    const inlined = inlineScript(source);
    expect(inlined).not.toMatch(/<\/script/i);
    expect(inlined).not.toContain('<!--');
    const run = new Function(`${inlined}; return [a, b];`) as () => string[];
    expect(run()).toEqual(['</SCRIPT>', '<!-- x']);
  });

  it('style and HTML text', () => {
    expect(inlineStyle('a::after { content: "</style>" }')).not.toMatch(/<\/style/i);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
