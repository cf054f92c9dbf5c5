/** Runs the CLI in-process, capturing its exit code and output. */
import { run } from '../../src/cli/run.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI with `args`, as the environment is. */
export async function runCaptured(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/**
 * The CLI with no API within reach: every credential a live call could use is taken away and Halo points
 * nowhere, so a file-mode command that tried to call out would fail instead of passing quietly.
 */
export async function ruleportOffline(...args: string[]): Promise<CliResult> {
  const vars = ['HALO_API_URL', 'HALO_API_KEY_ID', 'HALO_API_SECRET_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'];
  const saved = vars.map((v) => [v, process.env[v]] as const);
  for (const v of vars) delete process.env[v];
  process.env.HALO_API_URL = 'http://127.0.0.1:9';
  try {
    return await runCaptured(...args);
  } finally {
    for (const [v, value] of saved) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
  }
}
