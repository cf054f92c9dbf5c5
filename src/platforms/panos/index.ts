/**
 * The `panos` platform: Palo Alto Networks PAN-OS security rulebases. This entry point is pure; live access is in
 * `./client.js`, imported only by code that talks to a firewall.
 */
import type { FileFormat } from '../platform.js';
import { looksLikePanosConfig, readRunningConfig } from './parse.js';

export * from './parse.js';
export * from './render.js';
export * from './objects.js';
export * from './capabilities.js';
export { toConfigXml, toSetCommands } from './config-text.js';

/** running-config.xml (a `<config>` export); one policy per vsys for the zone pair, `#vsysN` selects one. */
export const panosFormat: FileFormat = {
  platform: 'panos',
  detect: (doc, text) => doc === undefined && looksLikePanosConfig(text),
  parse: (_doc, text, file, options) => {
    const readings = readRunningConfig(text, file, {
      ...(options?.zones ? { zones: options.zones } : {}),
      ...(options?.dropInexpressible ? { dropInexpressible: true } : {}),
    });
    for (const r of readings) reportReading(r, options?.warn);
    return readings.map((r) => r.policy);
  },
};

/** Warns about what a reading left out or read narrower. */
export function reportReading(r: import('./parse.js').PanosReading, warn: ((m: string) => void) | undefined): void {
  if (!warn) return;
  if (r.disabled.length > 0) warn(`${r.policy.name}: disabled rules skipped: ${r.disabled.join(', ')}`);
  for (const x of r.inexpressible) warn(`${r.policy.name}: rule ${x.rule} ${x.handling}: ${x.reasons.join('; ')}`);
}
