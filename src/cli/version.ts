import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package version, read from package.json (two levels up from dist/src/cli or src/cli). */
export const VERSION: string = (() => {
  for (const p of ['../../../package.json', '../../package.json']) {
    try {
      return (require(p) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
})();
