/**
 * sim/halo — a CloudPassage/Fidelis Halo REST API simulator for tests and demos. It imports nothing from
 * src/: its validation and behaviour are written independently of ruleport's Halo client. See README.md.
 */
export { startHaloSim } from './halo-sim.js';
export type { HaloSim, HaloSimKeys, HaloSimOptions, HaloSimState } from './halo-sim.js';
export { DEFAULT_KEYS } from './auth.js';
export type { HaloApiKey, KeyAccess } from './auth.js';
export type { RequestMatch } from './faults.js';
export type { RequestLogEntry } from './request-log.js';
export type { ScanOutcome, ScanScript } from './scan-script.js';
export { parseSeed, seedSchema, SeedError } from './seed-schema.js';
export type { SeedData, SeedRule, SeedServer } from './seed-schema.js';
export type { AddServerInput } from './server-registry.js';
export { SYSTEM_INTERFACES, SYSTEM_SERVICES, SYSTEM_ZONES } from './system-objects.js';
export type * from './wire-types.js';
