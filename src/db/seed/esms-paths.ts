/**
 * The follow-up history behind each ESMS status (JDV_J252), shared by the demo data and the synthetic
 * generator so that both write histories the transitions of ADR 0007 allow (`esms-generate.test.ts`
 * checks each step against `TRANSITIONS`). Invented data: nothing here comes from a real person.
 */

/** The statuses recorded after "envoyée" (39) to reach each status, in order; 37, 46, 49, 54 are the MDPH's. */
export const STATUS_PATHS: Readonly<Record<string, readonly string[]>> = {
  '39': [], '40': ['40'], '41': ['40', '41'], '42': ['40', '41', '42'], '72': ['40', '42', '72'], '71': ['40', '42', '72', '71'],
  '43': ['40', '42', '71', '43'], '44': ['40', '42', '71', '43', '44'], '45': ['40', '41', '45'], '46': ['40', '41', '45', '46'],
  '47': ['40', '42', '71', '47'], '48': ['40', '42', '71', '47', '48'], '51': ['40', '42', '71', '47', '51'], '49': ['40', '49'],
  '37': ['40', '41', '37'], '54': ['40', '49', '54'],
};

/** Statuses the MDPH records (by import), not the ESMS. */
export const MDPH_STATUSES: ReadonlySet<string> = new Set(['37', '46', '49', '54']);

/** The TRE_R358 reason written with each status that requires one. */
export const STATUS_REASON: Readonly<Record<string, string>> = { '37': '88', '44': '84', '45': '114', '46': '88', '48': '89', '49': '95', '51': '93', '54': '88' };
