/**
 * Golden files for the AWS parsers: every `test/fixtures/aws/<name>.json` is parsed and compared with the
 * hand-written `<name>.expected.json`. On a mismatch the actual result is written next to it as
 * `<name>.expected.json.actual` (gitignored) so the difference can be inspected and, if right, promoted.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { awsNaclFormat } from '../../src/platforms/aws-nacl/index.js';
import { awsSgFormat } from '../../src/platforms/aws-sg/index.js';

const dir = fileURLToPath(new URL('../fixtures/aws/', import.meta.url));
const formats = [awsSgFormat, awsNaclFormat];
const inputs = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort();

describe('AWS parser golden files', () => {
  it('has fixtures', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(4);
  });

  for (const name of inputs) {
    it(name, () => {
      const text = readFileSync(join(dir, name), 'utf8');
      const doc: unknown = JSON.parse(text);
      const matching = formats.filter((f) => f.detect(doc, text));
      expect(matching.map((f) => f.platform)).toHaveLength(1);
      const actual = matching[0]!.parse(doc, text, name);
      const expectedPath = join(dir, name.replace(/\.json$/, '.expected.json'));
      const actualPath = `${expectedPath}.actual`;
      const expected: unknown = existsSync(expectedPath) ? JSON.parse(readFileSync(expectedPath, 'utf8')) : undefined;
      // Compare the JSON forms: what a user sees with --json, and free of undefined-vs-absent noise.
      const actualJson: unknown = JSON.parse(JSON.stringify(actual));
      if (!isDeepEqual(actualJson, expected)) {
        writeFileSync(actualPath, `${JSON.stringify(actualJson, null, 2)}\n`);
      } else if (existsSync(actualPath)) {
        rmSync(actualPath);
      }
      expect(actualJson, `see ${actualPath}`).toEqual(expected);
    });
  }
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}
