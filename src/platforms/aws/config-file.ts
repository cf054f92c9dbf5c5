/**
 * Reads single settings (`region`, `mfa_serial`) of a profile from the shared AWS config file. The SDK's own
 * providers read credentials; ruleport needs these two for an explicit `--role-arn` and for region defaults.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The settings of one profile in `~/.aws/config` (or `$AWS_CONFIG_FILE`); empty when absent or unreadable. */
export function profileSettings(profile: string, env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> {
  const file = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return parseIniSection(text, profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`]);
}

/** The name of the profile in effect: the explicit one, else `AWS_PROFILE`, else `default`. */
export function profileName(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.AWS_PROFILE ?? 'default';
}

/** Key/value pairs of the first section among `names` in an INI text (comments `#`/`;`, keys lower-cased). */
export function parseIniSection(text: string, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let inSection = false;
  let found = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      // Sections repeat in hand-edited files: the first matching one wins, as in the SDK.
      inSection = !found && names.includes(header[1]!.replace(/\s+/g, ' '));
      if (inSection) found = true;
      continue;
    }
    if (!inSection) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}
