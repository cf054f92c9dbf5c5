import type { Command } from 'commander';
import { DEFAULT_JOURNAL } from '../../plan/index.js';

const repeat = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Flags several convert targets take. Targets add theirs to one shared `convert` command, where a flag may be
 * registered only once: each target asks for the shared ones it uses by key, and the first to ask adds it.
 */
const SHARED = {
  out: { flag: '--out', add: (cmd: Command) => cmd.option('--out <file>', 'write the result to a file instead of a live system (no API calls)') },
  dest: { flag: '--dest', add: (cmd: Command) => cmd.option('--dest <name>', 'name of the converted policy or group (one source policy only)') },
  destPrefix: { flag: '--dest-prefix', add: (cmd: Command) => cmd.option('--dest-prefix <prefix>', 'prefix for the names of converted policies or groups') },
  mapGroup: {
    flag: '--map-group',
    add: (cmd: Command) =>
      cmd.option('--map-group <sg=group>', 'a security group and the Halo server group or PAN-OS address group it stands for, e.g. sg-0abc=WebServers (repeatable)', repeat),
  },
  update: { flag: '--update', add: (cmd: Command) => cmd.option('--update', 'converge an existing target of the same name (made by ruleport) instead of leaving it alone') },
  journal: { flag: '--journal', add: (cmd: Command) => cmd.option('--journal <file>', 'journal of applied changes', DEFAULT_JOURNAL) },
  allRegions: { flag: '--all-regions', add: (cmd: Command) => cmd.option('--all-regions', 'read every enabled AWS region (an aws: source without a region)') },
  resolveRefs: {
    flag: '--resolve-refs',
    add: (cmd: Command) =>
      cmd.option('--resolve-refs', 'replace security group references (and prefix lists) by the current private IPs of the interfaces carrying them (a snapshot)'),
  },
} as const;

export type SharedConvertOption = keyof typeof SHARED;

/** Adds the shared flags `keys` names that no other target has added yet. */
export function addSharedOptions(cmd: Command, ...keys: SharedConvertOption[]): void {
  for (const key of keys) {
    const { flag, add } = SHARED[key];
    if (!cmd.options.some((o) => o.long === flag)) add(cmd);
  }
}
