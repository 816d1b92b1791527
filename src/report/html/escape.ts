// Escaping for the HTML report: every string that came from a report (labels are user input) goes through here.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * Serialise data for a `<script type="application/json">` block. `<` becomes `\u003c` so no
 * `</script` or `<!--` can end or confuse the block; U+2028/2029 are escaped because older
 * parsers treat them as line breaks. JSON.parse reads the result back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Make third-party script text safe to inline: a literal `</script` would end the element early. */
export function inlineScriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Make stylesheet text safe to inline inside `<style>`. */
export function inlineStyleText(source: string): string {
  return source.replace(/<\/(style)/gi, '<\\/$1');
}
