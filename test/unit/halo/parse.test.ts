/** Halo policy JSON → canonical policy: order, actions, zones, services, sources, and what cannot be carried. */
import { describe, expect, it } from 'vitest';
import { allows } from '../../../src/engine/index.js';
import { InputError, type Direction, type Flow } from '../../../src/model/index.js';
import { looksLikeHaloPolicies, parseHaloDocument, parseHaloPolicy, serviceMatch, zoneAddresses } from '../../../src/platforms/halo/parse.js';
import type { HaloObjects, HaloPolicyDoc } from '../../../src/platforms/halo/schema.js';

const objects: HaloObjects = {
  zones: [
    { id: 'z-office', name: 'office', ip_address: '198.51.100.0/24, 203.0.113.10' },
    { id: 'z-range', name: 'range', ip_address: '10.0.0.10-10.0.0.20' },
    { id: 'z-any', name: 'any', ip_address: '0.0.0.0/0', system: true },
    { id: 'z-v6', name: 'v6net', ip_address: '2001:db8::/32' },
  ],
  services: [
    { id: 's-ssh', name: 'ssh', protocol: 'TCP', port: '22' },
    { id: 's-web', name: 'web-range', protocol: 'TCP', port: '8000:8100' },
    { id: 's-web2', name: 'web-range2', protocol: 'tcp', port: '9000-9010' },
    { id: 's-dns', name: 'dns', protocol: 'UDP', port: '53' },
    { id: 's-ping', name: 'ping', protocol: 'ICMP', port: '8' },
    { id: 's-gre', name: 'gre', protocol: '47', port: null },
  ],
  groups: [{ id: 'g-web', name: 'WebServers' }],
};

const tcp = (direction: Direction, src: string, dst: string, port: number): Flow => ({ direction, protocol: 6, src, dst, port });

function policy(rules: HaloPolicyDoc['firewall_rules'], extra: Partial<HaloPolicyDoc> = {}): HaloPolicyDoc {
  return { id: 'p1', name: 'web', platform: 'linux', firewall_rules: rules, ...extra };
}

describe('parseHaloPolicy', () => {
  it('evaluates first match per chain: a DROP between two ACCEPTs decides for what it covers', () => {
    const { policy: p, inexpressible } = parseHaloPolicy(
      policy([
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { id: 'z-range', type: 'FirewallZone' }, firewall_service: { id: 's-ssh' }, position: 1 },
        { chain: 'INPUT', action: 'DROP', firewall_source: { id: 'z-office', type: 'FirewallZone' }, firewall_service: null, position: 2 },
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: null, firewall_service: 's-ssh', position: 3 },
        { chain: 'INPUT', action: 'REJECT', firewall_source: null, firewall_service: null, position: 4 },
      ]),
      objects,
    );
    expect(inexpressible).toEqual([]);
    expect(p.evaluation).toBe('first-match');
    // 10.0.0.15 is in the range zone: the first ACCEPT.
    expect(allows(p, tcp('ingress', '10.0.0.15', '10.1.1.1', 22)).allowed).toBe(true);
    // 198.51.100.7 is in the office zone: the DROP comes before the ACCEPT from anywhere.
    expect(allows(p, tcp('ingress', '198.51.100.7', '10.1.1.1', 22)).allowed).toBe(false);
    expect(allows(p, tcp('ingress', '203.0.113.10', '10.1.1.1', 22)).allowed).toBe(false);
    expect(allows(p, tcp('ingress', '203.0.113.11', '10.1.1.1', 22)).allowed).toBe(true);
    // REJECT closes the chain: it denies.
    expect(allows(p, tcp('ingress', '203.0.113.11', '10.1.1.1', 80)).allowed).toBe(false);
    // No OUTPUT rules on a Linux policy: egress is left to the host (allowed).
    expect(allows(p, tcp('egress', '10.1.1.1', '8.8.8.8', 443)).allowed).toBe(true);
  });

  it('orders rules by position within each chain, whatever the payload order', () => {
    const { policy: p } = parseHaloPolicy(
      policy([
        { chain: 'OUTPUT', action: 'ACCEPT', firewall_target: null, firewall_service: 's-dns', position: 2 },
        { chain: 'OUTPUT', action: 'DROP', firewall_target: null, firewall_service: null, position: 1 },
      ]),
      objects,
    );
    expect(allows(p, { direction: 'egress', protocol: 17, src: '10.0.0.1', dst: '8.8.8.8', port: 53 }).allowed).toBe(false);
  });

  it('reads OUTPUT rules as egress with the target as peer', () => {
    const { policy: p } = parseHaloPolicy(
      policy([
        { chain: 'OUTPUT', action: 'ACCEPT', firewall_target: { name: 'office', type: 'FirewallZone' }, firewall_service: { id: 's-web' } },
        { chain: 'OUTPUT', action: 'DROP' },
      ]),
      objects,
    );
    expect(p.rules[0]).toMatchObject({ direction: 'egress', action: 'allow', protocol: { kind: 'tcp', ports: [{ from: 8000, to: 8100 }] } });
    expect(allows(p, tcp('egress', '10.0.0.1', '198.51.100.9', 8050)).allowed).toBe(true);
    expect(allows(p, tcp('egress', '10.0.0.1', '198.51.100.9', 8101)).allowed).toBe(false);
    expect(allows(p, tcp('egress', '10.0.0.1', '192.0.2.1', 8050)).allowed).toBe(false);
  });

  it('keeps server-group sources symbolic, named', () => {
    const { policy: p } = parseHaloPolicy(policy([{ chain: 'INPUT', action: 'ACCEPT', firewall_source: { id: 'g-web', type: 'Group' } }]), objects);
    expect(p.rules[0]!.peer).toEqual({ kind: 'list', items: [{ kind: 'group', ref: 'WebServers', name: 'WebServers' }] });
  });

  it('leaves out inactive rules, reporting them', () => {
    const parsed = parseHaloPolicy(
      policy([
        { id: 'r1', chain: 'INPUT', action: 'DROP', active: false, firewall_source: { id: 'z-office', type: 'FirewallZone' } },
        { chain: 'INPUT', action: 'ACCEPT', firewall_service: 's-ssh' },
        { chain: 'INPUT', action: 'DROP' },
      ]),
      objects,
    );
    expect(parsed.policy.rules).toHaveLength(2);
    expect(parsed.inexpressible).toEqual([{ rule: 'web INPUT #1 (rule r1)', reason: 'inactive', treatment: 'left out: Halo does not enforce inactive rules' }]);
    expect(allows(parsed.policy, tcp('ingress', '198.51.100.7', '10.0.0.1', 22)).allowed).toBe(true);
  });

  it('narrows GhostPorts user sources: an ACCEPT is left out, a DROP drops from anywhere', () => {
    const parsed = parseHaloPolicy(
      policy([
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'All GhostPorts users', type: 'UserGroup' }, firewall_service: 's-ssh' },
        { chain: 'INPUT', action: 'DROP', firewall_source: { id: 'u1', name: 'bob', type: 'User' }, firewall_service: 's-dns' },
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { id: 'z-office', type: 'FirewallZone' } },
      ]),
      objects,
    );
    expect(parsed.inexpressible.map((i) => i.treatment)).toEqual(['left out (allows less)', 'treated as DROP from anywhere for the same service (allows less)']);
    const p = parsed.policy;
    expect(p.rules).toHaveLength(2);
    // The user DROP now drops udp 53 from everyone, the office included.
    expect(allows(p, { direction: 'ingress', protocol: 17, src: '198.51.100.7', dst: '10.0.0.1', port: 53 }).allowed).toBe(false);
    expect(allows(p, tcp('ingress', '198.51.100.7', '10.0.0.1', 22)).allowed).toBe(true);
  });

  it('explains rules that only match established connections instead of carrying them', () => {
    const parsed = parseHaloPolicy(
      policy([
        { chain: 'INPUT', action: 'ACCEPT', connection_states: 'RELATED, ESTABLISHED' },
        { chain: 'INPUT', action: 'ACCEPT', connection_states: 'NEW, ESTABLISHED', firewall_service: 's-ssh' },
        { chain: 'INPUT', action: 'DROP' },
      ]),
      objects,
    );
    expect(parsed.policy.rules).toHaveLength(2);
    expect(parsed.inexpressible).toEqual([]);
    expect(parsed.notes.some((n) => /INPUT #1: matches only RELATED, ESTABLISHED packets/.test(n))).toBe(true);
    expect(allows(parsed.policy, tcp('ingress', '1.2.3.4', '10.0.0.1', 80)).allowed).toBe(false);
  });

  it('never widens a DROP of established packets: it drops the whole connection, reported as allowing less', () => {
    // In Halo the SYN from the office passes #2, every later packet is dropped by #1: no SSH from the office.
    const parsed = parseHaloPolicy(
      policy([
        { chain: 'INPUT', action: 'DROP', connection_states: 'ESTABLISHED', firewall_source: { id: 'z-office', type: 'FirewallZone' }, firewall_service: 's-ssh' },
        { chain: 'INPUT', action: 'ACCEPT', firewall_service: 's-ssh' },
        { chain: 'INPUT', action: 'DROP' },
      ]),
      objects,
    );
    expect(parsed.inexpressible).toEqual([{ rule: 'web INPUT #1', reason: 'DROP of ESTABLISHED packets only', treatment: 'treated as DROP of the whole connection (allows less)' }]);
    expect(allows(parsed.policy, tcp('ingress', '198.51.100.7', '10.0.0.1', 22)).allowed).toBe(false);
    expect(allows(parsed.policy, tcp('ingress', '192.0.2.1', '10.0.0.1', 22)).allowed).toBe(true);
  });

  it('takes a Windows policy default from its block flags', () => {
    const { policy: p } = parseHaloPolicy(policy([], { platform: 'windows', block_inbound: true, block_outbound: false }), objects);
    expect(p.defaults).toEqual({ ingress: 'deny', egress: 'allow' });
    const open = parseHaloPolicy(policy([], { platform: 'windows', block_inbound: false, block_outbound: true }), objects).policy;
    expect(open.defaults).toEqual({ ingress: 'allow', egress: 'deny' });
  });

  it('names the rule and field of a dangling reference', () => {
    expect(() => parseHaloPolicy(policy([{ chain: 'INPUT', action: 'ACCEPT', firewall_service: 's-missing' }]), objects)).toThrow(
      /policy web INPUT rule #1: firewall_service: service "s-missing" is not defined/,
    );
    expect(() => parseHaloPolicy(policy([{ chain: 'INPUT', action: 'ALLOW' }]), objects)).toThrow(/action: expected ACCEPT, DROP or REJECT/);
    expect(() => parseHaloPolicy(policy([{ chain: 'INPUT', action: 'ACCEPT', firewall_target: { id: 'z-any', type: 'FirewallZone' } }]), objects)).toThrow(
      /INPUT rules take firewall_source/,
    );
  });
});

describe('zones and services', () => {
  it('reads comma-separated addresses, CIDRs and ranges', () => {
    expect(zoneAddresses('10.0.0.0/8, 192.0.2.5,10.1.1.1-10.1.1.9, 2001:db8::1', {})).toEqual([
      { kind: 'cidr', cidr: '10.0.0.0/8', version: 4 },
      { kind: 'cidr', cidr: '192.0.2.5/32', version: 4 },
      { kind: 'range', first: '10.1.1.1', last: '10.1.1.9', version: 4 },
      { kind: 'cidr', cidr: '2001:db8::1/128', version: 6 },
    ]);
    expect(() => zoneAddresses('10.0.0.0/8,,10.1.0.0/16', { object: 'zone z' })).toThrow(InputError);
    expect(() => zoneAddresses('10.0.0.9-10.0.0.1', {})).toThrow(/invalid address range/);
  });

  it('reads ports a, a:b, a-b, all; ICMP types; protocol numbers', () => {
    expect(serviceMatch('TCP', '443', {})).toEqual({ kind: 'tcp', ports: [{ from: 443, to: 443 }] });
    expect(serviceMatch('udp', '1000:2000', {})).toEqual({ kind: 'udp', ports: [{ from: 1000, to: 2000 }] });
    expect(serviceMatch('TCP', '0-65535', {})).toEqual({ kind: 'tcp', ports: [{ from: 0, to: 65535 }] });
    expect(serviceMatch('TCP', null, {})).toEqual({ kind: 'tcp', ports: [{ from: 0, to: 65535 }] });
    expect(serviceMatch('ICMP', '8', {})).toEqual({ kind: 'icmp', icmp: { type: 8 } });
    expect(serviceMatch('ICMP', null, {})).toEqual({ kind: 'icmp', icmp: {} });
    expect(serviceMatch('47', null, {})).toEqual({ kind: 'number', number: 47 });
    expect(serviceMatch('6', '22', {})).toEqual({ kind: 'tcp', ports: [{ from: 22, to: 22 }] });
    expect(serviceMatch(58, null, {})).toEqual({ kind: 'icmpv6', icmp: {} });
    expect(() => serviceMatch('SCTP', null, {})).toThrow(/unknown protocol/);
    expect(() => serviceMatch('47', '1', {})).toThrow(/takes no port/);
    expect(() => serviceMatch('TCP', '90:80', {})).toThrow(/reversed/);
  });
});

describe('parseHaloDocument', () => {
  it('reads one policy with zones and services given alongside', () => {
    const doc = {
      firewall_policy: { name: 'p', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'office', type: 'FirewallZone' }, firewall_service: 's-ssh' }] },
      firewall_zones: objects.zones,
      firewall_services: objects.services,
    };
    expect(looksLikeHaloPolicies(doc)).toBe(true);
    const [p] = parseHaloDocument(doc, 'p.json');
    expect(allows(p!.policy, tcp('ingress', '203.0.113.10', '10.0.0.1', 22)).allowed).toBe(true);
  });

  it('reads a list of policies with inlined zone and service details', () => {
    const doc = {
      firewall_policies: [
        {
          name: 'a',
          firewall_rules: [
            { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'z', type: 'FirewallZone', ip_address: '10.9.0.0/16' }, firewall_service: { name: 's', protocol: 'TCP', port: '5432' } },
          ],
        },
        { name: 'b' },
      ],
    };
    const parsed = parseHaloDocument(doc, 'f.json');
    expect(parsed.map((p) => p.policy.name)).toEqual(['a', 'b']);
    expect(allows(parsed[0]!.policy, tcp('ingress', '10.9.3.4', '10.0.0.1', 5432)).allowed).toBe(true);
  });

  it('names the file and object of malformed input', () => {
    expect(() => parseHaloDocument({ firewall_policies: [{ firewall_rules: [] }] }, 'bad.json')).toThrow(/bad.json: firewall_policies\[0\]: name/);
    expect(() => parseHaloDocument({ SecurityGroups: [] }, 'x.json')).toThrow(InputError);
  });
});
