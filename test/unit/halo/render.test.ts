/** Canonical policy → Halo policy, zones and services: golden payloads written by hand. */
import { describe, expect, it } from 'vitest';
import { ANY, UnsupportedError, type AddressItem, type Policy, type Protocol, type Rule } from '../../../src/model/index.js';
import { HaloCatalog, renderHaloPolicy, type HaloRenderOptions } from '../../../src/platforms/halo/render.js';

const v4 = (cidr: string): AddressItem => ({ kind: 'cidr', cidr, version: 4 });
const v6 = (cidr: string): AddressItem => ({ kind: 'cidr', cidr, version: 6 });
const tcp = (from: number, to = from): Protocol => ({ kind: 'tcp', ports: [{ from, to }] });

function rule(direction: Rule['direction'], protocol: Protocol, items: AddressItem[] | 'any', action: Rule['action'] = 'allow'): Rule {
  return { direction, action, protocol, peer: items === 'any' ? ANY : { kind: 'list', items }, local: ANY, origin: { platform: 'aws-sg', id: 'sg-1' } };
}

function sg(rules: Rule[], directions: Policy['directions'] = ['ingress', 'egress']): Policy {
  return { name: 'web', platform: 'aws-sg', evaluation: 'allow-set', stateful: true, defaults: { ingress: 'deny', egress: 'deny' }, directions, rules };
}

const options: HaloRenderOptions = { name: 'us-east-1-vpc-web', os: 'linux', description: 'ruleport: test', groupFor: () => undefined };

describe('renderHaloPolicy', () => {
  it('writes ACCEPT rules, closing DROPs, and seed-style names for new zones and services', () => {
    const catalog = new HaloCatalog();
    const out = renderHaloPolicy(
      sg([rule('ingress', tcp(443), [v4('10.0.0.0/8')]), rule('ingress', tcp(8000, 8100), [v6('2001:db8::/32')]), rule('egress', { kind: 'udp', ports: [{ from: 53, to: 53 }] }, [v4('10.0.0.2/32')])]),
      catalog,
      options,
    );
    expect(out.lost).toEqual([]);
    expect(out.policy).toEqual({
      name: 'us-east-1-vpc-web',
      platform: 'linux',
      description: 'ruleport: test',
      firewall_rules: [
        {
          chain: 'INPUT', action: 'ACCEPT', active: true, position: 1, connection_states: null, log: false,
          firewall_source: { name: 'us-east-1-vpc-web_10-0-0-0_8', type: 'FirewallZone', ip_address: '10.0.0.0/8' },
          firewall_service: { name: 'us-east-1-vpc-web_tcp_443', protocol: 'TCP', port: '443' },
        },
        {
          chain: 'INPUT', action: 'ACCEPT', active: true, position: 2, connection_states: null, log: false,
          firewall_source: { name: 'us-east-1-vpc-web_2001:db8::_32', type: 'FirewallZone', ip_address: '2001:db8::/32' },
          firewall_service: { name: 'us-east-1-vpc-web_tcp_8000-8100', protocol: 'TCP', port: '8000:8100' },
        },
        { chain: 'INPUT', action: 'DROP', active: true, position: 3, connection_states: null, log: false, firewall_source: null, firewall_service: null },
        {
          chain: 'OUTPUT', action: 'ACCEPT', active: true, position: 1, connection_states: null, log: false,
          firewall_target: { name: 'us-east-1-vpc-web_10-0-0-2_32', type: 'FirewallZone', ip_address: '10.0.0.2/32' },
          firewall_service: { name: 'us-east-1-vpc-web_udp_53', protocol: 'UDP', port: '53' },
        },
        { chain: 'OUTPUT', action: 'DROP', active: true, position: 2, connection_states: null, log: false, firewall_target: null, firewall_service: null },
      ],
    });
    expect(catalog.newZones.map((z) => z.name)).toEqual(['us-east-1-vpc-web_10-0-0-0_8', 'us-east-1-vpc-web_2001:db8::_32', 'us-east-1-vpc-web_10-0-0-2_32']);
    expect(catalog.counts).toEqual({ zones: { reused: 0, created: 3 }, services: { reused: 0, created: 3 } });
  });

  it('reuses existing zones and services that match exactly, system ones first', () => {
    const catalog = new HaloCatalog({
      zones: [
        { id: 'z9', name: 'corp', ip_address: '10.0.0.0/8' },
        { id: 'z1', name: 'any', ip_address: '0.0.0.0/0', system: true },
        { id: 'z2', name: 'corp-host-bits', ip_address: '10.1.2.3/8' },
      ],
      services: [
        { id: 's9', name: 'my-https', protocol: 'TCP', port: '443' },
        { id: 's1', name: 'https', protocol: 'TCP', port: '443', system: true },
        { id: 's2', name: 'alt', protocol: 'tcp', port: '8000-8100' },
        { id: 's3', name: 'ssh-udp', protocol: 'UDP', port: '22' },
      ],
    });
    const out = renderHaloPolicy(sg([rule('ingress', tcp(443), [v4('0.0.0.0/0')]), rule('ingress', tcp(8000, 8100), [v4('10.0.0.0/8')]), rule('ingress', tcp(22), [v4('10.0.0.0/8')])]), catalog, options);
    const input = out.policy.firewall_rules!.filter((r) => r.chain === 'INPUT');
    expect(input[0]!.firewall_source).toMatchObject({ id: 'z1', name: 'any' });
    expect(input[0]!.firewall_service).toMatchObject({ id: 's1', name: 'https' });
    // 10.1.2.3/8 is the same block as 10.0.0.0/8: either zone matches; the first by name is picked.
    expect(input[1]!.firewall_source).toMatchObject({ id: 'z9', name: 'corp' });
    expect(input[1]!.firewall_service).toMatchObject({ id: 's2', name: 'alt' });
    // UDP 22 is not TCP 22: a new service.
    expect(input[2]!.firewall_service).toEqual({ name: 'us-east-1-vpc-web_tcp_22', protocol: 'TCP', port: '22' });
    expect(catalog.counts).toEqual({ zones: { reused: 2, created: 0 }, services: { reused: 2, created: 1 } });
  });

  it('makes new names unique and shares new objects between policies of one catalog', () => {
    const catalog = new HaloCatalog({ zones: [{ id: 'z', name: 'us-east-1-vpc-web_10-0-0-0_8', ip_address: '10.9.9.9' }], services: [] });
    renderHaloPolicy(sg([rule('ingress', tcp(22), [v4('10.0.0.0/8')])]), catalog, options);
    renderHaloPolicy(sg([rule('ingress', tcp(22), [v4('10.0.0.0/8')])]), catalog, { ...options, name: 'other' });
    expect(catalog.newZones).toEqual([{ name: 'us-east-1-vpc-web_10-0-0-0_8_2', ip_address: '10.0.0.0/8', description: 'ruleport: created by ruleport' }]);
    expect(catalog.newServices.map((s) => s.name)).toEqual(['us-east-1-vpc-web_tcp_22']);
  });

  it('writes every protocol form: -1, all ports, ICMP type, all ICMP, ICMPv6, numbers, ranges', () => {
    const out = renderHaloPolicy(
      sg([
        rule('ingress', { kind: 'any' }, [v4('192.0.2.0/24')]),
        rule('ingress', tcp(0, 65535), [v4('192.0.2.0/24')]),
        rule('ingress', { kind: 'icmp', icmp: { type: 8 } }, [v4('192.0.2.0/24')]),
        rule('ingress', { kind: 'icmp', icmp: {} }, [v4('192.0.2.0/24')]),
        rule('ingress', { kind: 'icmpv6', icmp: {} }, [v6('2001:db8::/64')]),
        rule('ingress', { kind: 'number', number: 47 }, [{ kind: 'range', first: '10.0.0.5', last: '10.0.0.9', version: 4 }]),
      ]),
      new HaloCatalog(),
      options,
    );
    const services = out.policy.firewall_rules!.filter((r) => r.chain === 'INPUT').map((r) => r.firewall_service);
    expect(services).toEqual([
      null,
      { name: 'us-east-1-vpc-web_tcp_all', protocol: 'TCP', port: null },
      { name: 'us-east-1-vpc-web_icmp_8', protocol: 'ICMP', port: '8' },
      { name: 'us-east-1-vpc-web_icmp_all', protocol: 'ICMP', port: null },
      { name: 'us-east-1-vpc-web_icmpv6_all', protocol: '58', port: null },
      { name: 'us-east-1-vpc-web_proto-47', protocol: '47', port: null },
      null,
    ]);
    expect(out.policy.firewall_rules![5]!.firewall_source).toEqual({ name: 'us-east-1-vpc-web_10-0-0-5-10-0-0-9', type: 'FirewallZone', ip_address: '10.0.0.5-10.0.0.9' });
  });

  it('omits the closing DROP after an accept-all, and for a direction the source does not govern', () => {
    const out = renderHaloPolicy(sg([rule('ingress', { kind: 'any' }, 'any')], ['ingress']), new HaloCatalog(), options);
    expect(out.policy.firewall_rules).toEqual([
      { chain: 'INPUT', action: 'ACCEPT', active: true, position: 1, connection_states: null, log: false, firewall_source: null, firewall_service: null },
    ]);
  });

  it('sets the Windows flags from the defaults', () => {
    const out = renderHaloPolicy(sg([], ['ingress']), new HaloCatalog(), { ...options, os: 'windows' });
    expect(out.policy).toMatchObject({ platform: 'windows', log_allowed: false, log_dropped: true, block_inbound: true, block_outbound: false });
  });

  it('maps group references to Halo server groups, and never widens an unmapped one', () => {
    const ref: AddressItem = { kind: 'group', ref: 'sg-0abc@123456789012', name: 'app' };
    const mapped = renderHaloPolicy(sg([rule('ingress', tcp(5432), [ref])]), new HaloCatalog(), { ...options, groupFor: () => ({ name: 'AppServers', id: 'g1' }) });
    expect(mapped.policy.firewall_rules![0]!.firewall_source).toEqual({ id: 'g1', name: 'AppServers', type: 'Group' });
    expect(() => renderHaloPolicy(sg([rule('ingress', tcp(5432), [ref])]), new HaloCatalog(), options)).toThrow(
      /web ingress rule #1 \(sg-1\): group reference sg-0abc@123456789012 \(app\) has no Halo server group: map it \(--map-group sg-0abc=GROUP\).*never becomes "any source"/,
    );
    const lossy = renderHaloPolicy(sg([rule('ingress', tcp(5432), [ref]), rule('ingress', tcp(22), [v4('10.0.0.0/8')])]), new HaloCatalog(), { ...options, lossy: true });
    // The ACCEPT is left out; nothing else takes its place.
    expect(lossy.policy.firewall_rules!.filter((r) => r.chain === 'INPUT').map((r) => r.firewall_source?.name ?? null)).toEqual(['us-east-1-vpc-web_10-0-0-0_8', null]);
    expect(lossy.lost).toHaveLength(1);
  });

  it('refuses what Halo cannot say; lossy narrows (ACCEPT out, DROP wider)', () => {
    const code = rule('ingress', { kind: 'icmp', icmp: { type: 3, code: 4 } }, [v4('10.0.0.0/8')]);
    expect(() => renderHaloPolicy(sg([code]), new HaloCatalog(), options)).toThrow(UnsupportedError);
    expect(() => renderHaloPolicy(sg([rule('ingress', { kind: 'icmpv6', icmp: { type: 128 } }, 'any')]), new HaloCatalog(), options)).toThrow(/ICMPv6/);
    expect(() => renderHaloPolicy(sg([rule('ingress', tcp(22), [{ kind: 'prefix-list', id: 'pl-1' }])]), new HaloCatalog(), options)).toThrow(/--resolve-refs/);
    const firstMatch: Policy = { ...sg([{ ...code, action: 'deny' }, rule('ingress', { kind: 'icmp', icmp: {} }, 'any')]), evaluation: 'first-match' };
    const out = renderHaloPolicy(firstMatch, new HaloCatalog(), { ...options, lossy: true });
    expect(out.policy.firewall_rules![0]).toMatchObject({ action: 'DROP', firewall_service: { protocol: 'ICMP', port: '3' } });
    expect(out.lost[0]!.treatment).toBe('DROP of all ICMP type 3');
    const local: Rule = { ...rule('ingress', tcp(22), 'any'), local: { kind: 'list', items: [v4('10.0.1.0/24')] } };
    expect(() => renderHaloPolicy(sg([local]), new HaloCatalog(), options)).toThrow(/no local \(destination\) side/);
  });
});
