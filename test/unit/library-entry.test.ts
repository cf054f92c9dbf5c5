/**
 * The package's library entry point: `main`/`types` in package.json name the compiled src/index.ts, and through it
 * alone a user can parse an export and ask the engine. Answers are worked out by hand from examples/sgs.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ruleport from '../../src/index.js';

describe('library entry point', () => {
  it('package.json main and types are the build of src/index.ts', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string; types: string };
    expect(pkg.main).toBe('dist/src/index.js');
    expect(pkg.types).toBe('dist/src/index.d.ts');
    expect(existsSync('src/index.ts')).toBe(true);
  });

  it('parses a describe-security-groups export and answers engine questions', () => {
    const doc: unknown = JSON.parse(readFileSync('examples/sgs.json', 'utf8'));
    const groups = ruleport.awsSg.parseSecurityGroups(doc, 'examples/sgs.json');
    expect(groups.map((g) => g.name)).toEqual(['web', 'app', 'db']);
    const web = groups[0]!;
    // web's first rule: tcp 443 from 0.0.0.0/0; its third: tcp 22 from 203.0.113.0/24 only.
    const https = ruleport.allows(web, { direction: 'ingress', protocol: 6, src: '198.51.100.1', dst: '10.0.1.5', port: 443 });
    expect([https.allowed, https.ruleIndex]).toEqual([true, 0]);
    const ssh = ruleport.allows(web, { direction: 'ingress', protocol: 6, src: '198.51.100.1', dst: '10.0.1.5', port: 22 });
    expect([ssh.allowed, ssh.byDefault]).toEqual([false, true]);
    expect(ruleport.compare(web, groups[1]!).equivalent).toBe(false);
    expect(ruleport.FILE_FORMATS.map((f) => f.platform)).toEqual(['aws-sg', 'aws-nacl', 'halo', 'panos']);
  });
});
