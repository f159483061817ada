/** The outbox wake-up: a burst of commits (logins) asks pg-boss for one run, after the last of them. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { OUTBOX_JOB, OUTBOX_WAKE_WINDOW_MS, wakeOutbox } from './outbox.job.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('wakeOutbox', () => {
  it('makes one send for the wake-ups of a window, at its end, and a new one for a later wake-up', () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const deps = { jobs: { trigger: async (name: string) => void sent.push(name), send: async () => undefined, stop: async () => undefined }, logger: pino({ level: 'silent' }) };
    wakeOutbox(deps);
    wakeOutbox(deps);
    vi.advanceTimersByTime(OUTBOX_WAKE_WINDOW_MS - 1);
    // This commit happened after the window opened: the send still comes after it.
    wakeOutbox(deps);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([OUTBOX_JOB]);
    wakeOutbox(deps);
    vi.advanceTimersByTime(OUTBOX_WAKE_WINDOW_MS);
    expect(sent).toEqual([OUTBOX_JOB, OUTBOX_JOB]);
  });

  it('does nothing without a job runner', () => {
    expect(() => wakeOutbox({ jobs: null, logger: pino({ level: 'silent' }) })).not.toThrow();
  });
});
