/** Time, injected: rules take `now`/`today` as parameters; services get them from this clock. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move. */
export function fixedClock(start: Date): Clock & { set(date: Date): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

export const BUSINESS_TIME_ZONE = 'Europe/Paris';

const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in Europe/Paris of an instant, as 'YYYY-MM-DD' (business dates are Paris dates). */
export function parisDate(instant: Date): string {
  return parisDay.format(instant);
}

/** Adds whole days, months or years to a 'YYYY-MM-DD' date; the day is clamped to the month's end. */
export function addToDate(date: string, amount: { days?: number; months?: number; years?: number }): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const totalMonths = y * 12 + (m - 1) + (amount.months ?? 0) + (amount.years ?? 0) * 12;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(Date.UTC(year, month, Math.min(d, lastDay)));
  result.setUTCDate(result.getUTCDate() + (amount.days ?? 0));
  return result.toISOString().slice(0, 10);
}

const frenchDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });
const frenchDateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: BUSINESS_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** 'YYYY-MM-DD' → 'JJ/MM/AAAA', as French users read dates. */
export function formatDate(date: string): string {
  return frenchDate.format(new Date(`${date}T00:00:00Z`));
}

/** An instant, shown in Paris time: 'JJ/MM/AAAA HH:MM'. */
export function formatDateTime(instant: Date): string {
  return frenchDateTime.format(instant).replace(',', '');
}

/** The Europe/Paris day of an instant, as French readers write it: "23/11/2026". */
export function formatDay(instant: Date): string {
  return formatDate(parisDate(instant));
}
