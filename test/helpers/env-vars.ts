/** Environment variables set for a test file or suite, and put back as they were afterwards. */
import { afterAll, beforeAll } from 'vitest';

type EnvVars = Readonly<Record<string, string | undefined>>;

/**
 * Registers hooks that set `vars` (undefined = unset) before the suite's tests and restore the previous values
 * after them. Hooks run in the order they are registered: call it before the `beforeAll` that needs the values, or
 * after the one that computes them (`vars` may be a function, called when the hook runs).
 */
export function useEnv(vars: EnvVars | (() => EnvVars)): void {
  const saved = new Map<string, string | undefined>();
  const assign = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  beforeAll(() => {
    for (const [name, value] of Object.entries(typeof vars === 'function' ? vars() : vars)) {
      saved.set(name, process.env[name]);
      assign(name, value);
    }
  });
  afterAll(() => {
    for (const [name, value] of saved) assign(name, value);
    saved.clear();
  });
}

/** The AWS settings a test's own environment could leak into the credential chain, all unset. */
export const NO_AWS_ENV: EnvVars = Object.fromEntries(
  ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'].map((v) => [v, undefined]),
);
