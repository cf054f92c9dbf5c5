/**
 * Properties of the simulator's lowest layers, where the "names are literal" guarantee starts:
 * XML text/attributes survive a round trip, and any name without both quote kinds can be put in an
 * xpath predicate and read back unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagFilter, evaluateTagFilter } from '../../../sim/panos/tag-filter.js';
import { parseXmlDocument } from '../../../sim/panos/xml-parser.js';
import { serializeXml } from '../../../sim/panos/xml-serializer.js';
import { el } from '../../../sim/panos/xml-tree.js';
import { formatXpath, parseXpath } from '../../../sim/panos/xpath.js';
import { parseAddressLiteral, parseIp } from '../../../sim/panos/ip-address.js';

// XML 1.0 characters (no C0 controls except tab/newline; CR is normalised by parsers in text).
const xmlChar = fc.oneof(
  fc.constantFrom('<', '>', '&', '"', "'", ']', '/', '.', '[', '@', '=', ' ', '\t', '\n', 'é', '\u{1F600}'),
  fc.string({ minLength: 1, maxLength: 1 }).filter((c) => /^[\x20-\x7e]$/.test(c)),
);
const xmlString = fc.array(xmlChar, { maxLength: 24 }).map((chars) => chars.join(''));

describe('PAN-OS sim building blocks', () => {
  it('XML round-trips arbitrary attribute values and text', () => {
    fc.assert(
      fc.property(xmlString, xmlString, (name, text) => {
        const node = el('entry', { name }, el('description', {}, text === '' ? 'x' : text));
        const back = parseXmlDocument(serializeXml(node));
        expect(back.attrs['name']).toBe(name);
        expect(back.children[0]?.text).toBe(text === '' ? 'x' : text);
        expect(serializeXml(back)).toBe(serializeXml(node));
      }),
    );
  });

  it('a quoted name in an xpath predicate is read back literally', () => {
    fc.assert(
      fc.property(xmlString.filter((name) => !(name.includes("'") && name.includes('"'))), (name) => {
        const xpath = formatXpath([{ name: 'config' }, { name: 'address' }, { name: 'entry', entryName: name }]);
        expect(parseXpath(xpath)).toEqual([{ name: 'config' }, { name: 'address' }, { name: 'entry', entryName: name }]);
      }),
    );
  });

  it('DAG filters: and binds tighter than or; parentheses group', () => {
    const tags = new Set(['a', 'c']);
    expect(evaluateTagFilter(parseTagFilter("'a' or 'b' and 'x'"), tags)).toBe(true);
    expect(evaluateTagFilter(parseTagFilter("('a' or 'b') and 'x'"), tags)).toBe(false);
    expect(evaluateTagFilter(parseTagFilter(`"a" AND ('x' OR "c")`), tags)).toBe(true);
    for (const bad of ['', "'a' and", 'a', "('a'", "'a' 'b'", "'a' or or 'b'", "''"]) {
      expect(() => parseTagFilter(bad), bad).toThrow();
    }
  });

  it('parses addresses strictly', () => {
    expect(parseIp('10.0.0.1')).toEqual({ version: 4, value: 0x0a000001n });
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe(0xffff0a000001n);
    for (const bad of ['010.0.0.1', '10.0.0', '256.1.1.1', '1::2::3', '12345::', 'fe80::1%eth0', '']) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
    expect(parseAddressLiteral('10.1.2.3/8')).toEqual({ version: 4, lo: 0x0a000000n, hi: 0x0affffffn });
    expect(parseAddressLiteral('10.0.0.9-10.0.0.1')).toBeUndefined();
    expect(parseAddressLiteral('10.0.0.1/33')).toBeUndefined();
  });
});
