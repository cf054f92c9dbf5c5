import type { CommandModule } from '../command-env.js';
import { registerAdmit } from './admit.js';
import { registerCheck } from './check.js';
import { registerConvert } from './convert.js';
import { registerDiff } from './diff.js';
import { registerExport } from './export.js';
import { registerLint } from './lint.js';
import { registerMigrate } from './migrate.js';
import { registerShow } from './show.js';
import { registerSim } from './sim.js';
import { registerSync } from './sync.js';

/** Every sub-command, in help order; a new command adds one line. */
export const COMMANDS: readonly CommandModule[] = [registerShow, registerCheck, registerDiff, registerLint, registerConvert, registerExport, registerAdmit, registerMigrate, registerSync, registerSim];
