/**
 * Password hashing: argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1). Nobody can read a
 * password (R10): only these slow salted hashes are stored.
 */
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 = Argon2id (the library's const enum cannot be imported under isolated modules).
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFC'));
  } catch {
    return false;
  }
}
