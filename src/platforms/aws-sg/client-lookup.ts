/**
 * Looking groups up by id without failing on ids that do not exist (a reference to a deleted or foreign group):
 * DescribeSecurityGroups with a `group-id` filter returns what exists and says nothing about the rest, where
 * `GroupIds` fails the whole call on the first unknown id. API I/O only.
 */
import { DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { MAX_FILTER_VALUES, chunk } from '../aws/chunk.js';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from '../aws/session.js';

/** The groups among `ids` that exist in the handle's region and account (any order). */
export async function findSecurityGroups(ec2: Ec2Handle, ids: readonly string[]): Promise<SecurityGroup[]> {
  const parts = await Promise.all(
    chunk([...new Set(ids)], MAX_FILTER_VALUES).map((values) =>
      collectPages('ec2', 'DescribeSecurityGroups', async (NextToken) => {
        const out = await ec2.call('DescribeSecurityGroups', 'read', (c) =>
          c.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: values }], MaxResults: 1000, NextToken })),
        );
        return { items: out.SecurityGroups, next: out.NextToken };
      }),
    ),
  );
  return parts.flat();
}
