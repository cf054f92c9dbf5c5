/** Reading a file the user named (a policy, a key, a CA bundle): a failure is one InputError naming the file. */
import { readFile } from 'node:fs/promises';
import { InputError } from '../model/index.js';

/** The file's text (UTF-8). @throws InputError `no such file` or `cannot read (CODE)`. */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError({ file }, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
  }
}
