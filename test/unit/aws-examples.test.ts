/** The AWS example files a newcomer runs the CLI on must parse and show what the README promises. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { awsNaclFormat } from '../../src/platforms/aws-nacl/index.js';
import { awsSgFormat } from '../../src/platforms/aws-sg/index.js';

const load = (name: string) => {
  const text = readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');
  return { text, doc: JSON.parse(text) as unknown };
};

describe('AWS examples', () => {
  it('examples/sgs.json: web, app and db with a reference cycle and an IPv6 rule', () => {
    const { text, doc } = load('sgs.json');
    expect(awsSgFormat.detect(doc, text)).toBe(true);
    expect(awsNaclFormat.detect(doc, text)).toBe(false);
    const policies = awsSgFormat.parse(doc, text, 'examples/sgs.json');
    expect(policies.map((p) => p.name)).toEqual(['web', 'app', 'db']);
    const refs = (name: string) =>
      policies
        .find((p) => p.name === name)!
        .rules.flatMap((r) => (r.peer.kind === 'list' ? r.peer.items : []))
        .flatMap((i) => (i.kind === 'group' ? [i.ref.split('@')[0]] : []));
    // app → db and db → app: a cycle a migration must break by creating groups before rules.
    expect(refs('app')).toContain('sg-0a1b2c3d4e5f60003');
    expect(refs('db')).toContain('sg-0a1b2c3d4e5f60002');
    const v6 = policies.flatMap((p) => p.rules).filter((r) => r.peer.kind === 'list' && r.peer.items.some((i) => i.kind === 'cidr' && i.version === 6));
    expect(v6.length).toBeGreaterThan(0);
  });

  it('examples/nacls.json: one NACL that denies before it allows', () => {
    const { text, doc } = load('nacls.json');
    expect(awsNaclFormat.detect(doc, text)).toBe(true);
    expect(awsSgFormat.detect(doc, text)).toBe(false);
    const [acl] = awsNaclFormat.parse(doc, text, 'examples/nacls.json');
    const ingress = acl!.rules.filter((r) => r.direction === 'ingress');
    expect(ingress[0]!.action).toBe('deny');
    expect(ingress[1]!.action).toBe('allow');
    expect(acl!.rules).toHaveLength(8);
  });
});
