/**
 * Escaping for content inlined into one HTML file. The HTML parser ends a <script> or <style>
 * at the first `</script` / `</style` whatever the content means, and `<!--` inside a script
 * changes how it is tokenized, so neither may appear literally.
 */

/**
 * JSON for <script type="application/json">: `<` as \u003c keeps `</script` and `<!--` out; JSON.parse reads it back
 * unchanged.
 */
export function inlineJson(value: unknown): string {
  return (
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      // Valid in JSON, but line terminators in older JavaScript parsers; harmless to escape.
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029')
  );
}

/** JavaScript source for a classic <script>: in a string or regex `<\/` means `</`. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** CSS for a <style>: `\3c` is `<` as a CSS escape. */
export function inlineStyle(source: string): string {
  return source.replace(/<\/(style)/gi, '\\3c /$1');
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * The head of a page with no script (the runs index, an aborted run's page): a strict CSP that
 * allows inline style only, no favicon request, the title and the style; `<body>` follows.
 */
export function staticPageHead(title: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>`;
}
