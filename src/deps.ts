/**
 * The dependencies, built once at boot and passed to factory functions (no DI container).
 * Tests build the same object and replace what they need (clock, transports).
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { createDatabase, type Db } from './db/database.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Transport } from './platform/outbox/outbox.js';
import { createSmtpTransport } from './platform/outbox/smtp-transport.js';
import { createHttpSmsGateway } from './platform/outbox/sms-gateway.js';
import type { Jobs } from './platform/jobs/jobs.js';
import { hashPassword, verifyPassword } from './platform/passwords.js';

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** null: no SMTP configured (development), mails stay in the outbox. */
  mailTransport: Transport | null;
  /** null: no SMS gateway configured, SMS stay in the outbox. */
  smsTransport: Transport | null;
  /** Set once the job runner has started; services use it to wake the outbox after a commit. */
  jobs: Jobs | null;
  /** Password hashing; tests wrap it to count the work done (R01 timing). */
  passwords: { hash(password: string): Promise<string>; verify(hash: string, password: string): Promise<boolean> };
}

/** Never logged, whatever the log line: secrets and personal data of requests. */
export const LOG_REDACTIONS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  ...['password', 'token', 'otp', 'secret'].flatMap((key) => [key, `*.${key}`]),
];

export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), stack: error.stack };
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.env === 'test' && config.logLevel === 'info' ? 'silent' : config.logLevel,
    redact: { paths: LOG_REDACTIONS, censor: '[masqué]' },
    // Errors as type, message, code and stack only: a driver error's enumerable fields would dump
    // connection objects (and query parameters) into the log.
    serializers: { err: serializeError },
  });
}

export function buildDeps(config: Config, databaseUrl: string, overrides: Partial<Deps> = {}): Deps {
  return {
    config,
    db: overrides.db ?? createDatabase(databaseUrl, config.databasePoolSize),
    clock: overrides.clock ?? systemClock,
    logger: overrides.logger ?? createLogger(config),
    mailTransport:
      overrides.mailTransport !== undefined
        ? overrides.mailTransport
        : config.smtpUrl
          ? createSmtpTransport(config.smtpUrl, config.mailFrom)
          : null,
    smsTransport:
      overrides.smsTransport !== undefined
        ? overrides.smsTransport
        : config.smsGatewayUrl
          ? createHttpSmsGateway(config.smsGatewayUrl, config.smsGatewayToken)
          : null,
    jobs: overrides.jobs ?? null,
    passwords: overrides.passwords ?? { hash: hashPassword, verify: verifyPassword },
  };
}
