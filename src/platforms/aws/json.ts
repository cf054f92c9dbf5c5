/** SDK output → the plain JSON the AWS CLI prints: no `$metadata`, no undefined fields. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === '$metadata' ? undefined : v))) as T;
}
