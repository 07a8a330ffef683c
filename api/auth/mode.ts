import type { KeyStore } from './keys.js';

/**
 * Whether the server demands credentials. Decided once (at start, or on the first request of an
 * in-process app) and only ever strengthened: once any credential exists — a key in config, OIDC,
 * or any row in `api_keys`, revoked ones included — the server never serves anonymous callers
 * again. Revoking the last key therefore leaves only the CLI (`flowlens api-key create`) able to
 * mint one.
 */
export class AuthMode {
  private credentialed: boolean | null = null;
  private deciding: Promise<boolean> | null = null;

  constructor(private readonly keys: KeyStore) {}

  /** True when every non-public request must carry a credential. */
  async requiresCredentials(): Promise<boolean> {
    if (this.credentialed === true) return true;
    if (this.credentialed === null) {
      this.deciding ??= this.keys.everConfigured();
      this.credentialed = await this.deciding;
      return this.credentialed;
    }
    // Local mode: a key created meanwhile (API or CLI) strengthens the mode for good.
    if (await this.keys.anyConfigured()) this.credentialed = true;
    return this.credentialed;
  }

  /** A key was created in this process: credentials are required from now on. */
  strengthen(): void {
    this.credentialed = true;
  }
}
