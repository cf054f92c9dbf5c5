export * from './ip.js';
export * from './rule.js';
export * from './policy.js';
export * from './flow.js';
export * from './errors.js';
export * from './validate.js';
export * from './protected-side.js';
