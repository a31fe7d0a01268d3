import { LruCache } from "../lru";

/**
 * Session ids already decrypted from session cookies, by the cookie as sent. next-auth derives a key (HKDF) and
 * decrypts the JWT on every request, about 6% of a 4 KiB upload PATCH's CPU (docs/benchmarks.md); the same cookie
 * always decrypts to the same session id under one secret, so the answer is kept until the token's own expiry.
 * Only the decryption is kept: the session row is still read on every request (lib/auth/sessions.ts), so a signed-out
 * session, an expired one or a disabled account stops at the next request as before. Failures are not kept (a
 * garbage cookie costs its decryption each time, as before), and the cache forgets everything when the secret changes.
 */
export class CookieCache {
  private entries: LruCache<string, { sid: string; expiresAtMs: number; bytes: number }>;
  private secret: string | null = null;

  /** `capacityBytes` bounds the cookies kept, by their length (a browser's session cookie is about 500 bytes). */
  constructor(private readonly capacityBytes: number) {
    this.entries = new LruCache(capacityBytes, (entry) => entry.bytes);
  }

  /** The session id `cookie` decrypts to under `secret`, from the cache or from `decrypt` (then kept). */
  async sessionId(
    cookie: string,
    secret: string,
    decrypt: () => Promise<{ sid: string; expiresAtMs: number } | null>,
    now = Date.now(),
  ): Promise<string | null> {
    if (secret !== this.secret) {
      this.entries = new LruCache(this.capacityBytes, (entry) => entry.bytes);
      this.secret = secret;
    }
    const known = this.entries.get(cookie);
    if (known && known.expiresAtMs > now) return known.sid;
    if (known) this.entries.delete(cookie);
    const decrypted = await decrypt();
    if (decrypted && decrypted.expiresAtMs > now) this.entries.set(cookie, { ...decrypted, bytes: cookie.length });
    return decrypted?.sid ?? null;
  }
}
