/** Assertions that secrets appear nowhere in what a command printed or wrote. */
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The spellings a secret could leak in: as is, URL-encoded (query strings, form bodies) and base64 (Basic auth). */
function spellings(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])];
}

/**
 * Fails naming the output and the secret when any output contains any secret. Outputs are named texts (stdout,
 * stderr) or, for `files`, paths read here (a journal that was never written counts as empty).
 */
export function expectNoSecrets(secrets: Readonly<Record<string, string>>, outputs: Readonly<Record<string, string>>, files: Readonly<Record<string, string>> = {}): void {
  const texts: Record<string, string> = { ...outputs };
  for (const [name, path] of Object.entries(files)) texts[name] = existsSync(path) ? readFileSync(path, 'utf8') : '';
  for (const [kind, secret] of Object.entries(secrets)) {
    // A short secret could match by accident, an empty one would match nothing and prove nothing.
    expect(secret.length, kind).toBeGreaterThanOrEqual(6);
    for (const spelling of spellings(secret)) {
      for (const [name, text] of Object.entries(texts)) expect(text.includes(spelling), `${kind} in ${name}`).toBe(false);
    }
  }
}
