/** Small cryptographic helpers: random secrets, their hashes, constant-time comparison. */
import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/** A 256-bit random secret, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy secret (session id, link token). Such secrets need no slow hash: they cannot be guessed. */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

// Node turns a Buffer key into a KeyObject at every call (several times the cost of the HMAC itself);
// the keys are secrets read once at boot and never changed, so each one is turned once.
const hmacKeys = new WeakMap<Buffer, KeyObject>();

export function hmac(key: Buffer, value: string): string {
  let keyObject = hmacKeys.get(key);
  if (!keyObject) {
    keyObject = createSecretKey(key);
    hmacKeys.set(key, keyObject);
  }
  return createHmac('sha256', keyObject).update(value).digest('base64url');
}

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    // Still spend a comparison so a length mismatch is not faster than a content mismatch.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
