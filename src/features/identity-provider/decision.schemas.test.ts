/** The decision API's request shapes read places as the directory does (one FINESS pattern, src/platform/finess.ts). */
import { describe, expect, it } from 'vitest';
import { resourceSchema } from './decision.schemas.js';

describe('decision API resources', () => {
  it('R17 the decision API reads a Corsican FINESS as a place, as the directory does, and refuses what the directory would', () => {
    expect(resourceSchema.safeParse({ type: 'finess', id: '2A0000016' }).success).toBe(true);
    expect(resourceSchema.safeParse({ type: 'finess', id: '012A45678' }).success).toBe(false);
  });
});
