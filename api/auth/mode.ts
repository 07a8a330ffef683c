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
    // Local mode (or undecided): any `api_keys` row, revoked ones too, ends it for good — a key
    // another process (the CLI) created and revoked meanwhile included. Concurrent requests share
    // one query; a failed one is not remembered, so the next request asks again.
    this.deciding ??= this.keys.everConfigured().finally(() => {
      this.deciding = null;
    });
    const credentialed = await this.deciding;
    // strengthen() may have run while the query was out: never weaken.
    this.credentialed = credentialed || (this.credentialed as boolean | null) === true;
    return this.credentialed;
  }

  /** A key was created in this process: credentials are required from now on. */
  strengthen(): void {
    this.credentialed = true;
  }
}
