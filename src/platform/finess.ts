/**
 * A FINESS number: 9 characters, the first two the department (2A and 2B for Corsica), the rest
 * digits — the same CHECK the establishments table holds. One pattern for every place that reads one.
 */
export const FINESS_PATTERN = /^[0-9][0-9AB][0-9]{7}$/;

export function isFiness(value: string): boolean {
  return FINESS_PATTERN.test(value);
}
