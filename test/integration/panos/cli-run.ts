/** Runs the CLI in-process, capturing its output (the PAN-OS tests pass every location and flag themselves). */
export { runCaptured as cli, type CliResult as Result } from '../../helpers/run-cli.js';
