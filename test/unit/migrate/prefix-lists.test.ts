/**
 * Which destination prefix list stands for each source list, on hand-written DescribeManagedPrefixLists input:
 * AWS-managed lists by their name in the destination region, customer-managed ones copied (or ruleport's earlier
 * copy brought up to date), `--map-prefix-list` over both, and the same lists within one account and region.
 */
import type { ManagedPrefixList } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/model/index.js';
import { decidePrefixLists, entryChanges, parsePrefixListMap, type PrefixListInputs } from '../../../src/workflows/migrate-prefix-lists.js';

const src = { account: '111111111111', region: 'us-east-1' };
const dst = { account: '222222222222', region: 'eu-west-1' };
const aws = (id: string, name: string): ManagedPrefixList => ({ PrefixListId: id, PrefixListName: name, OwnerId: 'AWS', AddressFamily: 'IPv4', MaxEntries: 0 });

const S3 = aws('pl-0s3e0000000000000', 'com.amazonaws.us-east-1.s3');
const DYNAMO = aws('pl-0ddb0000000000000', 'com.amazonaws.us-east-1.dynamodb');
const OFFICE: ManagedPrefixList = { PrefixListId: 'pl-0off0000000000000', PrefixListName: 'office', OwnerId: src.account, AddressFamily: 'IPv4', MaxEntries: 10, Tags: [{ Key: 'team', Value: 'it' }] };
const OFFICE_ENTRIES = [{ cidr: '198.51.100.0/24', description: 'hq' }, { cidr: '203.0.113.0/25' }];
const DST_S3 = aws('pl-0s3w0000000000000', 'com.amazonaws.eu-west-1.s3');

const inputs = (over: Partial<PrefixListInputs>): PrefixListInputs => ({
  src,
  dst,
  referenced: [S3.PrefixListId!, DYNAMO.PrefixListId!, OFFICE.PrefixListId!],
  sourceLists: new Map([
    [S3.PrefixListId!, { list: S3, entries: [] }],
    [DYNAMO.PrefixListId!, { list: DYNAMO, entries: [] }],
    [OFFICE.PrefixListId!, { list: OFFICE, entries: OFFICE_ENTRIES }],
  ]),
  destinationLists: [DST_S3],
  copyEntries: new Map(),
  explicit: new Map(),
  ...over,
});

describe('decidePrefixLists', () => {
  it('maps AWS-managed lists by name, reports one without a counterpart, and copies a customer list with its tags', () => {
    const d = decidePrefixLists(inputs({}));
    expect(d.get(S3.PrefixListId!)).toEqual({ kind: 'use', srcId: S3.PrefixListId, dstId: DST_S3.PrefixListId, name: 'com.amazonaws.eu-west-1.s3', how: 'by name', maxEntries: 0 });
    expect(d.get(DYNAMO.PrefixListId!)).toEqual({
      kind: 'unresolved',
      srcId: DYNAMO.PrefixListId,
      name: 'com.amazonaws.us-east-1.dynamodb',
      reason: 'has no AWS-managed counterpart com.amazonaws.eu-west-1.dynamodb in eu-west-1',
    });
    expect(d.get(OFFICE.PrefixListId!)).toEqual({
      kind: 'copy',
      srcId: OFFICE.PrefixListId,
      name: 'office',
      addressFamily: 'IPv4',
      maxEntries: 10,
      entries: OFFICE_ENTRIES,
      tags: { team: 'it', 'ruleport:source': `111111111111/us-east-1/${OFFICE.PrefixListId}` },
    });
  });

  it('finds ruleport\'s earlier copy by its tag, and refuses two of them', () => {
    const copy: ManagedPrefixList = {
      PrefixListId: 'pl-0cop0000000000000',
      PrefixListName: 'office',
      OwnerId: dst.account,
      MaxEntries: 10,
      Version: 3,
      Tags: [{ Key: 'ruleport:source', Value: `111111111111/us-east-1/${OFFICE.PrefixListId}` }],
    };
    const stale = [{ cidr: '198.51.100.0/24' }, { cidr: '192.0.2.0/24' }];
    const d = decidePrefixLists(inputs({ destinationLists: [DST_S3, copy], copyEntries: new Map([[copy.PrefixListId!, stale]]) }));
    expect(d.get(OFFICE.PrefixListId!)).toMatchObject({ kind: 'copy', existing: { id: copy.PrefixListId, version: 3, maxEntries: 10, entries: stale } });
    expect(entryChanges(OFFICE_ENTRIES, stale)).toEqual({ add: [{ cidr: '203.0.113.0/25' }], remove: ['192.0.2.0/24'] });

    const twice = () => decidePrefixLists(inputs({ destinationLists: [copy, { ...copy, PrefixListId: 'pl-0cop1000000000000' }] }));
    expect(twice).toThrow(InputError);
    expect(twice).toThrow(`several copies in eu-west-1: ${copy.PrefixListId}, pl-0cop1000000000000; delete all but one`);
  });

  it('--map-prefix-list wins over both kinds, and must name a list of the destination', () => {
    const corp: ManagedPrefixList = { PrefixListId: 'pl-0cor0000000000000', PrefixListName: 'corp', OwnerId: dst.account, MaxEntries: 20 };
    const explicit = parsePrefixListMap([`${DYNAMO.PrefixListId}=${corp.PrefixListId}`, `${OFFICE.PrefixListId}=${corp.PrefixListId}`]);
    const d = decidePrefixLists(inputs({ destinationLists: [DST_S3, corp], explicit }));
    for (const id of [DYNAMO.PrefixListId!, OFFICE.PrefixListId!]) {
      expect(d.get(id)).toEqual({ kind: 'use', srcId: id, dstId: corp.PrefixListId, name: 'corp', how: 'by flag', maxEntries: 20 });
    }
    expect(() => decidePrefixLists(inputs({ explicit }))).toThrow(`--map-prefix-list: prefix list ${corp.PrefixListId} does not exist in eu-west-1 (account 222222222222)`);
    expect(() => parsePrefixListMap(['pl-1=office'])).toThrow('--map-prefix-list: expected pl-SOURCE=pl-DESTINATION, got "pl-1=office"');
  });

  it('within one account and region, every list is used as it is; a list that does not exist is unresolved', () => {
    const d = decidePrefixLists(inputs({ dst: src, referenced: [OFFICE.PrefixListId!, 'pl-0gon0000000000000'] }));
    expect(d.get(OFFICE.PrefixListId!)).toMatchObject({ kind: 'use', dstId: OFFICE.PrefixListId, how: 'same' });
    expect(d.get('pl-0gon0000000000000')).toEqual({ kind: 'unresolved', srcId: 'pl-0gon0000000000000', reason: 'does not exist in us-east-1 (account 111111111111)' });
  });
});
