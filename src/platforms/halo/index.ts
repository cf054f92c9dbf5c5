/**
 * The `halo` platform: CloudPassage/Fidelis Halo firewall policies. This entry point is pure; live access is in
 * `./client.js` (transport) and `./firewall-client.js` (firewall calls), imported only by code that talks to Halo.
 */
import type { FileFormat } from '../platform.js';
import { HALO, annotatedPolicy, looksLikeHaloPolicies, parseHaloDocument } from './parse.js';

export { HALO, annotatedPolicy, looksLikeHaloPolicies, parseHaloDocument, parseHaloPolicy, serviceMatch, zoneAddresses, type Inexpressible, type ParsedHaloPolicy } from './parse.js';

/**
 * Halo policy JSON files (`{"firewall_policy":…}` or `{"firewall_policies":[…]}`); `#selector` matches a policy
 * id or name. Rules the canonical model cannot hold exactly are narrowed as parse.ts documents, and listed in the
 * policy's `meta.inexpressible`.
 */
export const haloFormat: FileFormat = {
  platform: HALO,
  detect: (doc) => looksLikeHaloPolicies(doc),
  parse: (doc, _text, file) => parseHaloDocument(doc, file).map(annotatedPolicy),
};
export { HaloCatalog, HALO_OWNER_MARKER, namePart, renderHaloPolicy, type HaloOs, type HaloRenderOptions, type LostPart, type RenderedHaloPolicy } from './render.js';
export * from './capabilities.js';
export * from './schema.js';
