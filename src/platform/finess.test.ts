/** One FINESS pattern for the directory, the card, the ESMS import and the decision API: the establishments table's CHECK. */
import { describe, expect, it } from 'vitest';
import { isFiness } from './finess.js';

describe('FINESS numbers', () => {
  it('R50 accepts Corsica (2A, 2B) in the department and digits elsewhere; refuses a letter anywhere else', () => {
    for (const ok of ['340780477', '2A0000016', '2B0001234', '970400012']) expect(isFiness(ok), ok).toBe(true);
    for (const bad of ['012A45678', '34078047', '3407804770', '2C0000016', '34078047A', ' 340780477']) expect(isFiness(bad), bad).toBe(false);
  });
});
