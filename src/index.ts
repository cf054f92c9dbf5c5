/**
 * ruleport as a library (the package's `main`): the canonical model, the flow-space engine, and each platform's pure
 * parse/render entry point. Nothing here loads an SDK or opens a connection; the live clients are the platforms'
 * `client.js` modules, imported by the code that talks to an API.
 *
 * Platforms are namespaces (`awsSg.parseSecurityGroups`, `panos.readRunningConfig`…) because each one exports
 * its own capabilities and constants under the same names.
 */
export * from './model/index.js';
export * from './engine/index.js';
export * as awsSg from './platforms/aws-sg/index.js';
export * as awsNacl from './platforms/aws-nacl/index.js';
export * as halo from './platforms/halo/index.js';
export * as panos from './platforms/panos/index.js';
export { FILE_FORMATS } from './platforms/registry.js';
export type { Capabilities, FileFormat, FileParseOptions, Quota } from './platforms/platform.js';
