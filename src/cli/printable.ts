/**
 * Text from policies and remote systems (names, descriptions, device messages) as it may reach a terminal.
 * Control characters are shown as escapes (`\u001b`), so a hostile name can neither send escape sequences to the
 * terminal (rewriting the screen, setting the clipboard) nor split a one-line error into lines of its own.
 */

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One line: every control character escaped, line breaks included. */
export function printableLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, escaped);
}

/** Output text: control characters escaped except the line feeds and tabs that lay it out. */
export function printableText(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g, escaped);
}
