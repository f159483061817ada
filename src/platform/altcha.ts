/**
 * ALTCHA: a self-hosted, accessible proof-of-work check against robots (no third party). The
 * server signs challenges with HMAC; a solution is verified and then recorded as spent, so the
 * same solved challenge cannot be replayed.
 */
import { createChallenge, verifySolution, type Challenge, type Payload } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Db } from '../db/database.js';
import { hmac } from './crypto.js';

const ALGORITHM = 'PBKDF2/SHA-256';
/** PBKDF2 iterations per try. With the counter below, about a second of work in a browser; one try to verify. */
const COST = 1_000;
const TTL_MS = 10 * 60_000;

function secrets(secret: Buffer) {
  return { hmacSignatureSecret: hmac(secret, 'altcha:signature'), hmacKeySignatureSecret: hmac(secret, 'altcha:key') };
}

export async function newChallenge(secret: Buffer, now: Date): Promise<Challenge> {
  return createChallenge({
    algorithm: ALGORITHM,
    cost: COST,
    // The expected answer is a random counter: the browser must try them in order to find it.
    counter: 1_000 + Math.floor(Math.random() * 2_000),
    deriveKey,
    expiresAt: new Date(now.getTime() + TTL_MS),
    ...secrets(secret),
  });
}

export type RobotCheck = 'absent' | 'valid' | 'invalid';

/**
 * Verifies the widget's answer (base64 JSON `{ challenge, solution }`): 'absent' when none was sent
 * (no JavaScript), 'invalid' when malformed, wrong, expired or already used.
 */
export async function checkRobotAnswer(db: Db, secret: Buffer, answer: unknown, now: Date): Promise<RobotCheck> {
  if (typeof answer !== 'string' || answer.trim() === '') return 'absent';
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(answer, 'base64').toString('utf8')) as Payload;
  } catch {
    return 'invalid';
  }
  if (!payload?.challenge?.signature || !payload.solution) return 'invalid';
  try {
    const result = await verifySolution({ challenge: payload.challenge, solution: payload.solution, deriveKey, ...secrets(secret) });
    if (!result.verified) return 'invalid';
  } catch {
    return 'invalid';
  }
  const spent = await db
    .insertInto('altcha_spent')
    .values({ signature: payload.challenge.signature, expires_at: new Date(now.getTime() + TTL_MS) })
    .onConflict((oc) => oc.column('signature').doNothing())
    .returning('signature')
    .executeTakeFirst();
  return spent ? 'valid' : 'invalid';
}

/** Spent challenges are kept only until they expire (a replay after that fails on its signature's date anyway). */
export async function purgeSpentChallenges(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('altcha_spent').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
