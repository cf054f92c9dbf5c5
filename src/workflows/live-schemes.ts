import type { LiveScheme } from './locations.js';

/** Every live location scheme; a platform adds one line. */
export const LIVE_SCHEMES: readonly LiveScheme[] = [];
