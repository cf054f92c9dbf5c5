import type { CommandModule } from '../command-env.js';
import { registerCheck } from './check.js';
import { registerDiff } from './diff.js';
import { registerLint } from './lint.js';
import { registerShow } from './show.js';

/** Every sub-command, in help order; a new command adds one line. */
export const COMMANDS: readonly CommandModule[] = [registerShow, registerCheck, registerDiff, registerLint];
