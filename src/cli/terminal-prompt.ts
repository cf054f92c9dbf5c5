import { createInterface } from 'node:readline';
import type { Io } from './io.js';

/**
 * Asks one question on the terminal (an MFA code…): the question goes to stderr, the answer is the next line of
 * stdin. Undefined when stdin or stderr is not a terminal — no one could answer, and a script must not hang.
 */
export function terminalPrompt(io: Io): ((question: string) => Promise<string>) | undefined {
  const input = io.stdin;
  if (!input?.isTTY || !io.stderr.isTTY) return undefined;
  return (question: string) =>
    new Promise<string>((resolve, reject) => {
      io.stderr.write(question);
      const rl = createInterface({ input, terminal: false });
      rl.once('line', (line) => {
        // Settle before closing: close() emits 'close' at once.
        resolve(line.trim());
        rl.close();
      });
      rl.once('close', () => reject(new Error('no answer: the terminal closed')));
    });
}
