/** How pages write dates, sizes and counts in French (Europe/Paris for instants). */
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
const dayFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'UTC' });

/** An instant, as its Paris date and time ('05/12/2026 11:30'). */
export const dateTime = (date: Date): string => dateTimeFormat.format(date);

/** A calendar day 'YYYY-MM-DD', as French users read it ('05/12/2026'). */
export const day = (value: string): string => dayFormat.format(new Date(`${value}T00:00:00Z`));

export const megabytes = (bytes: number): string => `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(bytes / 1024 / 1024)} Mo`;
export const fileSize = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} Ko` : megabytes(bytes));
export const count = new Intl.NumberFormat('fr-FR');
