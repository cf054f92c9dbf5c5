/**
 * The command-line flow syntax (`check --flow`): what each spelling means, written out by hand, and the one-line
 * reason for each malformed flow — never an engine error later on.
 */
import { describe, expect, it } from 'vitest';
import { isConcrete, parseFlow } from '../../../src/model/index.js';

describe('parseFlow', () => {
  it.each([
    ['tcp 203.0.113.9 -> 10.0.1.5:443', { direction: 'ingress', protocol: 6, src: '203.0.113.9', dst: '10.0.1.5', port: 443 }],
    ['UDP 10.0.1.5 -> 10.0.0.2:53', { direction: 'ingress', protocol: 17, src: '10.0.1.5', dst: '10.0.0.2', port: 53 }],
    ['icmp 8/0 10.0.3.3 -> 10.0.1.5', { direction: 'ingress', protocol: 1, src: '10.0.3.3', dst: '10.0.1.5', icmpType: 8, icmpCode: 0 }],
    ['icmp 8 10.0.3.3 -> 10.0.1.5', { direction: 'ingress', protocol: 1, src: '10.0.3.3', dst: '10.0.1.5', icmpType: 8 }],
    ['1 8/0 2001:db8::1 -> 2001:db8::2', { direction: 'ingress', protocol: 1, src: '2001:db8::1', dst: '2001:db8::2', icmpType: 8, icmpCode: 0 }],
    ['icmpv6 128/0 2001:db8::1 -> [2001:db8::2]', { direction: 'ingress', protocol: 58, src: '2001:db8::1', dst: '2001:db8::2', icmpType: 128, icmpCode: 0 }],
    ['tcp [2001:db8::1] -> [2001:db8::2]:443', { direction: 'ingress', protocol: 6, src: '2001:db8::1', dst: '2001:db8::2', port: 443 }],
    ['47 192.0.2.1 -> 10.0.1.5', { direction: 'ingress', protocol: 47, src: '192.0.2.1', dst: '10.0.1.5' }],
    ['any 192.0.2.1 -> 10.0.1.5', { direction: 'ingress', src: '192.0.2.1', dst: '10.0.1.5' }],
    ['tcp @sg-0abc -> 10.0.1.5:22', { direction: 'ingress', protocol: 6, src: '@sg-0abc', dst: '10.0.1.5', port: 22 }],
  ])('%s', (text, expected) => {
    expect(parseFlow(text, 'ingress')).toEqual(expected);
  });

  it('keeps the direction it is given', () => {
    expect(parseFlow('udp 10.0.1.5 -> 10.0.0.2:53', 'egress').direction).toBe('egress');
  });

  it('tells a concrete flow from a pattern', () => {
    expect(isConcrete(parseFlow('tcp 1.2.3.4 -> 10.0.1.5:443', 'ingress'))).toBe(true);
    expect(isConcrete(parseFlow('tcp 1.2.3.4 -> 10.0.1.5', 'ingress'))).toBe(false);
    expect(isConcrete(parseFlow('icmp 8/0 1.2.3.4 -> 10.0.1.5', 'ingress'))).toBe(true);
    expect(isConcrete(parseFlow('icmp 8 1.2.3.4 -> 10.0.1.5', 'ingress'))).toBe(false);
    expect(isConcrete(parseFlow('47 1.2.3.4 -> 10.0.1.5', 'ingress'))).toBe(true);
    expect(isConcrete(parseFlow('any 1.2.3.4 -> 10.0.1.5', 'ingress'))).toBe(false);
  });

  it.each([
    ['garbage', 'expected "<protocol> <source> -> <destination>[:port]", got "garbage"'],
    ['foo 1.2.3.4 -> 5.6.7.8:80', 'unknown protocol "foo"'],
    ['256 1.2.3.4 -> 5.6.7.8', 'unknown protocol "256"'],
    ['tcp 1.2.3.4 -> 5.6.7.8:65536', 'port 65536 out of range 0..65535'],
    ['icmp 300/0 1.2.3.4 -> 5.6.7.8', 'ICMP type 300 out of range 0..255'],
    ['icmp 3/256 1.2.3.4 -> 5.6.7.8', 'ICMP code 256 out of range 0..255'],
    ['tcp 8/0 1.2.3.4 -> 5.6.7.8:80', 'a type/code only goes with icmp or icmpv6'],
    ['icmp 8/0 1.2.3.4 -> 5.6.7.8:80', 'a port only goes with tcp or udp destinations'],
    ['tcp 1.2.3.999 -> 5.6.7.8:80', 'invalid source address "1.2.3.999"'],
    ['tcp 1.2.3.4 -> 5.6.7:80', 'invalid destination address "5.6.7"'],
    ['tcp 2001:db8:::1 -> [2001:db8::2]:80', 'invalid source address "2001:db8:::1"'],
    ['tcp 10.0.0.0/8 -> 10.0.1.5:443', 'invalid source address "10.0.0.0/8"'],
    ['tcp 1.2.3.4 -> [::1]:80', 'source 1.2.3.4 is IPv4 but destination ::1 is IPv6'],
    ['tcp 1.2.3.4:1234 -> 5.6.7.8:80', 'a source port ("1.2.3.4:1234") is not part of a flow: rules match the destination port'],
    ['icmp 128/0 2001:db8::1 -> 2001:db8::2', 'icmp between IPv6 addresses: write icmpv6, or the protocol number 1 if that is meant'],
    ['icmpv6 8/0 @sg-0abc -> 10.0.1.5', 'icmpv6 between IPv4 addresses: write icmp, or the protocol number 58 if that is meant'],
  ])('refuses %s', (text, message) => {
    expect(() => parseFlow(text, 'ingress')).toThrow(message);
  });
});
