/**
 * A duration of the rules (milliseconds) as French words, for mails and pages: a text never repeats
 * a number the rules already hold ("valable 10 minutes" comes from OTP_TTL_MS).
 */
const UNITS = [
  { ms: 24 * 3_600_000, one: 'jour', many: 'jours' },
  { ms: 3_600_000, one: 'heure', many: 'heures' },
  { ms: 60_000, one: 'minute', many: 'minutes' },
  { ms: 1_000, one: 'seconde', many: 'secondes' },
] as const;

/**
 * 600 000 → "10 minutes", 86 400 000 → "24 heures", 604 800 000 → "7 jours": the largest unit that
 * divides it, days from two days on (a link "valable 24 heures" says more than "1 jour").
 */
export function formatDuration(ms: number): string {
  const unit = UNITS.find((u) => ms % u.ms === 0 && ms >= (u.one === 'jour' ? 2 * u.ms : u.ms)) ?? UNITS[3];
  const count = Math.round(ms / unit.ms);
  return `${count} ${count > 1 ? unit.many : unit.one}`;
}
