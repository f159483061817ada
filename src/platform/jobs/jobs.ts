/**
 * Background jobs on pg-boss: queues and schedules live in PostgreSQL, so any number of app nodes
 * share them safely. Each job is one file (`*.job.ts`) exporting a JobDefinition.
 */
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { recordJobFailure } from '../metrics.js';
import { isDatabaseUnreachable } from '../../db/unreachable.js';

export interface JobDefinition {
  name: string;
  /** Cron expression in Europe/Paris, when the job also runs on a schedule. */
  schedule?: string;
  /** How many times pg-boss retries a failed run. */
  retryLimit: number;
  /** Idempotent: running it twice does no harm. */
  run(): Promise<void>;
}

/**
 * A queue of jobs that each carry their data (one statistics order per job…), unlike the
 * definitions above which run as a whole: every job is kept, retried `retryLimit` times with a
 * growing delay, and an attempt running longer than `expireInSeconds` is abandoned (its `signal`
 * aborts) and counted as failed.
 */
export interface QueueDefinition<T extends object = object> {
  name: string;
  retryLimit: number;
  expireInSeconds: number;
  run(data: T, signal: AbortSignal): Promise<void>;
}

export interface Jobs {
  /** Asks for a run soon (deduplicated: at most one waiting run per job). */
  trigger(name: string): Promise<void>;
  /** Queues one job of a data queue (QueueDefinition). */
  send(name: string, data: object): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobs(
  connectionString: string,
  definitions: JobDefinition[],
  logger: Logger,
  options: { work: boolean; queues?: QueueDefinition<never>[] },
): Promise<Jobs> {
  const boss = new PgBoss({ connectionString, schema: 'pgboss', max: 3 });
  boss.on('error', (error: unknown) => {
    // 57P01: PostgreSQL is shutting down (Ctrl-C in a terminal reaches the embedded server too).
    const { code, message } = error as { code?: string; message?: string };
    if (code === '57P01') logger.info('pg-boss : PostgreSQL s’arrête');
    // The database out of reach (restart, failover): pg-boss retries by itself.
    else if (isDatabaseUnreachable(error)) logger.warn({ code, message }, 'pg-boss : base de données injoignable');
    else logger.error({ err: error instanceof Error ? error : new Error(message ?? JSON.stringify(error)) }, 'pg-boss');
  });
  await boss.start();
  for (const job of definitions) {
    // 'short': one queued run at most, so a burst of triggers makes one delivery pass.
    await boss.createQueue(job.name, { policy: 'short', retryLimit: job.retryLimit, retryDelay: 5, retryBackoff: true });
    if (job.schedule) await boss.schedule(job.name, job.schedule, null, { tz: 'Europe/Paris' });
    if (options.work) {
      await boss.work(job.name, { pollingIntervalSeconds: 1 }, async () => {
        try {
          await job.run();
        } catch (error) {
          recordJobFailure(job.name);
          throw error;
        }
      });
    }
  }
  for (const queue of options.queues ?? []) {
    await boss.createQueue(queue.name, { policy: 'standard', retryLimit: queue.retryLimit, retryDelay: 5, retryBackoff: true, expireInSeconds: queue.expireInSeconds });
    if (options.work) {
      await boss.work(queue.name, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
        if (!job) return;
        try {
          await queue.run(job.data as never, job.signal);
        } catch (error) {
          recordJobFailure(queue.name);
          throw error;
        }
      });
    }
  }
  return {
    trigger: async (name) => {
      await boss.send(name, null);
    },
    send: async (name, data) => {
      await boss.send(name, data);
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
