export { allows, PolicyIndex, type Decision } from './allows.js';
export { compare, type Comparison, type CompareOptions, type DiffRegion } from './compare.js';
export { ruleUse, shadowed, redundant, type RuleUse } from './lint.js';
export { toAllowSet } from './to-allow-set.js';
export { exampleFlow, type Region } from './regions.js';
export { coverage, type Coverage } from './coverage.js';
