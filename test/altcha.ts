/**
 * A solved anti-robot answer for tests, signed with the test secret like the server's own
 * challenges but cheap to solve (the server's are about half a second of work each).
 */
import { createChallenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { hmac } from '../src/platform/crypto.js';
import { TEST_SECRET } from './test-app.js';

export async function solvedRobotAnswer(): Promise<string> {
  const secret = Buffer.from(TEST_SECRET);
  const challenge = await createChallenge({
    algorithm: 'PBKDF2/SHA-256',
    cost: 1,
    counter: 1,
    deriveKey,
    expiresAt: new Date(Date.now() + 600_000),
    hmacSignatureSecret: hmac(secret, 'altcha:signature'),
    hmacKeySignatureSecret: hmac(secret, 'altcha:key'),
  });
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
