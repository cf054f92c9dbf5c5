/**
 * Durations as people write them on a command line or in a config file: `500ms`, `30s`, `5m`, `1h`, `1m30s`.
 */
import { InputError, type InputLocation } from '../model/index.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from `5m`, `1m30s`, `250ms`; a bare number is seconds. Throws InputError naming `where`. */
export function parseDuration(text: string, where: InputLocation): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) {
    throw new InputError(where, `invalid duration ${JSON.stringify(text)} (e.g. 30s, 5m, 1h, 250ms)`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0));
}

/** The shortest exact text for a duration: `5m`, `90s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
