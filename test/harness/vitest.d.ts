/** Values the global setup hands to tests through `inject()`. */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The first moto_server, or '' when moto is unavailable (prefer `motoUrlForWorker()`). */
    motoUrl: string;
    /** One moto_server per test worker; empty when moto is unavailable. */
    motoUrls: string[];
  }
}
