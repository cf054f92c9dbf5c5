/** Follows token pagination (AWS `NextToken`, Halo `pagination.next`) to the end, with a guard against services that repeat a token. */
import { RemoteError } from '../model/index.js';

export interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly next: string | undefined;
}

/**
 * Fetches every page and concatenates the items.
 * @param service and call name the call in the error raised when a service returns the same token twice.
 */
export async function collectPages<T>(
  service: string,
  call: string,
  fetch: (token: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetch(token);
    out.push(...(page.items ?? []));
    if (!page.next) return out;
    if (seen.has(page.next)) throw new RemoteError(service, call, 'pagination returned the same next-page token twice');
    seen.add(page.next);
    token = page.next;
  }
}
