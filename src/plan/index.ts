export * from './change.js';
export * from './journal.js';
export * from './apply.js';
export * from './render-plan.js';
