/**
 * Ids reach Halo API paths from API answers and from the admit journal: a hostile id must not address another
 * endpoint. `..` would resolve `/v1/servers/..` to `/v1/`, so it is refused before any request; `/` and `%2F`
 * stay inside the one segment.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/model/index.js';
import { HaloClient } from '../../../src/platforms/halo/client.js';
import { HaloFirewall } from '../../../src/platforms/halo/firewall-client.js';
import { HaloServersClient } from '../../../src/platforms/halo/servers-client.js';

/** A client recording the method and raw path of every API request (token requests answered, not recorded). */
function recording() {
  const requests: string[] = [];
  const fetchFake = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    if (url.pathname === '/oauth/access_token') return Response.json({ access_token: 't', expires_in: 900, scope: 'read+write' });
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return Response.json({ server: { id: 'x', hostname: 'h', group_id: 'g' } });
  }) as typeof fetch;
  const http = new HaloClient({ baseUrl: 'https://halo.test', credentials: { keyId: 'k', secret: 's', source: 'test' }, fetch: fetchFake, sleep: async () => {} });
  return { http, requests };
}

describe('Halo ids in API paths', () => {
  it.each(['..', '.', ''])('refuses the server id %j before any request', async (id) => {
    const { http, requests } = recording();
    const servers = new HaloServersClient(http);
    await expect(servers.moveServer(id, 'g1')).rejects.toThrow(InputError);
    await expect(servers.getServer(id)).rejects.toThrow(/cannot be used in an API path/);
    await expect(servers.getCommand('s1', id)).rejects.toThrow(InputError);
    expect(requests).toEqual([]);
  });

  it('refuses a policy id ".." for reads and updates', async () => {
    const { http, requests } = recording();
    const firewall = new HaloFirewall(http);
    await expect(firewall.getPolicy('..')).rejects.toThrow(InputError);
    await expect(firewall.updatePolicy('..', { name: 'p', platform: 'linux', firewall_rules: [] } as never)).rejects.toThrow(InputError);
    expect(requests).toEqual([]);
  });

  it('keeps "/" and "%2F" inside one segment', async () => {
    const { http, requests } = recording();
    const servers = new HaloServersClient(http);
    await servers.getServer('a/../b');
    await servers.getServer('a%2F..');
    expect(requests).toEqual(['GET /v1/servers/a%2F..%2Fb', 'GET /v1/servers/a%252F..']);
  });
});
