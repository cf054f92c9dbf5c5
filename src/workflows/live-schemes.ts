import { awsLiveScheme } from '../platforms/aws/live-scheme.js';
import { haloLiveScheme } from './halo-location.js';
import { panosLiveScheme } from './panos-location.js';
import type { LiveScheme } from './locations.js';

/** Every live location scheme; a platform adds one line. */
export const LIVE_SCHEMES: readonly LiveScheme[] = [awsLiveScheme, haloLiveScheme, panosLiveScheme];
