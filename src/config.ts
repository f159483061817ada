/**
 * Configuration: the environment, read once at boot, validated, typed and frozen.
 * Every option is documented here and in the README's table; nothing else reads process.env.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const partnerSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  name: z.string().min(1).max(100),
  issuer: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** acr values that prove strong authentication at this partner (in addition to amr mfa/otp/sms/hwk/sc). */
  strongAcr: z.array(z.string().min(1)).default([]),
  /** The partner's authentication must be at most this old (auth_time). */
  maxAuthAgeSeconds: z.number().int().min(30).max(86_400).default(600),
});

const envSchema = z.object({
  /** `production` turns on every safety check below; anything else is a developer's machine. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Address the HTTP server listens on. Loopback by default: exposing it is a deliberate choice. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** TCP port of the HTTP server. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public address of the application, used in e-mails and for the Origin check. https in production. */
  BASE_URL: z.url().optional(),
  /** Secret for CSRF tokens and cookie signatures: at least 32 bytes. Generated per start outside production. */
  SESSION_SECRET: z.string().optional(),
  /** PostgreSQL server. Unset outside production: an embedded PostgreSQL is started with its data in EMBEDDED_PG_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres://').optional(),
  /**
   * Owner role of the tables, for the migrations (least privilege: DATABASE_URL is then the
   * application's role, granted by the migrations). Unset: outside production the migrations run
   * with DATABASE_URL; in production none run at start and the schema must already be up to date.
   */
  DATABASE_MIGRATION_URL: z.string().regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres://').optional(),
  /** Data directory of the embedded PostgreSQL (only when DATABASE_URL is unset). */
  EMBEDDED_PG_DIR: z.string().min(1).default('./data/postgres'),
  /** Loopback port of the embedded PostgreSQL (only when DATABASE_URL is unset). Unset: a free port at each start. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Maximum connections of this process's pool. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /** SMTP transport, e.g. smtp://user:password@smtp.example.fr:587. Unset outside production: mails stay in the outbox, listed at /dev/mails. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'doit commencer par smtp:// ou smtps://').optional(),
  /** Sender of every e-mail. */
  MAIL_FROM: z.string().min(3).default('Habilis <ne-pas-repondre@habilis.localhost>'),
  /** HTTP SMS gateway endpoint (JSON POST). Unset: SMS stay in the outbox, listed at /dev/sms outside production. */
  SMS_GATEWAY_URL: z.url().optional(),
  /** Bearer token for the SMS gateway. */
  SMS_GATEWAY_TOKEN: z.string().optional(),
  /** Load the demo data into an empty database. Default: yes outside production, never in production. */
  DEMO_DATA: booleanFlag.optional(),
  /** Session idle timeout, minutes. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Session absolute lifetime, hours. */
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  /** Addresses of reverse proxies whose X-Forwarded-For is trusted (comma-separated IPs or CIDRs). */
  TRUST_PROXY: z.string().optional(),
  /** R04 login codes (first codes and resends) an account may be sent per hour. */
  LOGIN_CODES_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  /** R08 password lifetime in months; 0 disables expiry (see docs/decisions/0003). */
  PASSWORD_MAX_AGE_MONTHS: z.coerce.number().int().min(0).max(120).default(6),
  /** R07 composition rule (lower, upper, digit, special); `false` keeps length and blocklist only (ADR 0003). */
  PASSWORD_COMPOSITION: booleanFlag.default(true),
  /**
   * R01: a failed login answers after at least this many milliseconds, whatever failed, so response
   * times tell nothing about which usernames exist (and brute force slows down). R09: every
   * forgotten-password answer waits for the same floor (issue 12).
   */
  LOGIN_FAILURE_MIN_MS: z.coerce.number().int().min(0).max(5000).default(400),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** GET /metrics (Prometheus) answers a scraper presenting this bearer token (32 characters at least). Unset with METRICS_ALLOW: no /metrics. */
  METRICS_TOKEN: z.string().min(32, '32 caractères au moins').optional(),
  /** GET /metrics also answers these client addresses (comma-separated IPs or CIDRs, e.g. 10.0.3.0/24), as seen through TRUST_PROXY. */
  METRICS_ALLOW: z.string().optional(),
  /** Run the background jobs (mail delivery, schedules) in this process. */
  JOBS: booleanFlag.default(true),
  /** FHIR R4 base URL of the ROR API (e.g. https://…/fhir). Unset: no ROR synchronisation (issue 7). */
  ROR_BASE_URL: z.url().optional(),
  /** OAuth2 token endpoint (client credentials). Unset: requests go without a bearer token. */
  ROR_TOKEN_URL: z.url().optional(),
  /** OAuth2 client id of Habilis at the ROR. */
  ROR_CLIENT_ID: z.string().optional(),
  /** OAuth2 client secret of Habilis at the ROR. */
  ROR_CLIENT_SECRET: z.string().optional(),
  /** Extra headers the ROR requires (user profile, business role codes), as a JSON object of strings. */
  ROR_HEADERS: z
    .string()
    .transform((value, ctx) => {
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(value));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'doit être un objet JSON de chaînes, ex. {"X-Profil":"…"}' });
        return z.NEVER;
      }
    })
    .optional(),
  /** Schedule of the ROR synchronisation (cron, Europe/Paris). Daily at 03:30 by default. */
  ROR_SYNC_CRON: z.string().min(9).default('30 3 * * *'),
  /** Time limit of each ROR request, milliseconds. */
  ROR_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Mutual TLS with the ROR (token endpoint and FHIR API): PEM file of Habilis's client certificate (chain allowed). Needs ROR_TLS_KEY_FILE. */
  ROR_TLS_CERT_FILE: z.string().min(1).optional(),
  /** PEM file of the private key of ROR_TLS_CERT_FILE (unencrypted; readable by the application only). */
  ROR_TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM file of the CA certificates that sign the ROR's server certificate, when not a public CA. */
  ROR_TLS_CA_FILE: z.string().min(1).optional(),
  /** R64: months the ESMS access log is kept before the purge job removes it (issue 14). */
  ESMS_ACCESS_LOG_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  /** R51: largest PDF document a referent may add to a sheet, in megabytes. */
  DIRECTORY_DOCUMENT_MAX_MB: z.coerce.number().int().min(1).max(100).default(10),
  // Identity provider (issue 17): 32 bytes in base64 or base64url that encrypt the provider's signing keys in PostgreSQL.
  IDP_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, '32 octets encodés en base64')
    .optional(),
  /** Requests per second a client of the API may make on one node (decision API, client-credentials tokens). */
  IDP_CLIENT_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /** Pro Santé Connect issuer (R13), e.g. https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet. Unset: no e-CPS button. */
  PSC_ISSUER: z.url().optional(),
  /** Client id of Habilis at Pro Santé Connect. */
  PSC_CLIENT_ID: z.string().optional(),
  /** Client secret (client_secret_basic at the token endpoint). */
  PSC_CLIENT_SECRET: z.string().optional(),
  /** How Habilis authenticates at PSC's token endpoint: its secret, or its certificate by mutual TLS (tls_client_auth, RFC 8705). */
  PSC_CLIENT_AUTH: z.enum(['client_secret_basic', 'tls_client_auth']).default('client_secret_basic'),
  /** Mutual TLS with PSC: PEM file of Habilis's client certificate (chain allowed), with PSC_TLS_KEY_FILE. */
  PSC_TLS_CERT_FILE: z.string().min(1).optional(),
  /** PEM file of the private key of PSC_TLS_CERT_FILE (unencrypted; readable by the application only). */
  PSC_TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM file of the CA certificates of PSC's mutual-TLS host, when not a public CA. */
  PSC_TLS_CA_FILE: z.string().min(1).optional(),
  /** Lowest authentication level accepted in the ID token's acr (R13: eidas1). */
  PSC_ACR: z.enum(['eidas1', 'eidas2', 'eidas3']).default('eidas1'),
  /** Scopes requested from Pro Santé Connect. */
  PSC_SCOPE: z.string().min(6).default('openid scope_all'),
  /**
   * Habilis terminates TLS itself (R12 deployment a): PEM file of its server certificate (chain
   * allowed), with HTTPS_KEY_FILE. With CARD_CA_FILE too, the server asks browsers for a client
   * certificate (the CPS card) at the handshake. Unset: plain HTTP behind a TLS-terminating proxy.
   */
  HTTPS_CERT_FILE: z.string().min(1).optional(),
  /** PEM file of the private key of HTTPS_CERT_FILE (unencrypted; readable by the application only). */
  HTTPS_KEY_FILE: z.string().min(1).optional(),
  /** CPS card login (R12): PEM file of the trusted CA certificates (IGC-Santé chains). Unset: no card login. */
  CARD_CA_FILE: z.string().min(1).optional(),
  /**
   * R12: PEM file of the certificate revocation lists of the card CAs (IGC-Santé CRLs, refreshed by
   * the operators; Habilis rereads the file when it changes). Set: a card whose CA has no valid,
   * current CRL there is refused. Unset: revocation is left to the TLS terminator.
   */
  CARD_CRL_FILE: z.string().min(1).optional(),
  /** Header in which the TLS-terminating reverse proxy forwards the client certificate (URL-encoded PEM), e.g. x-ssl-client-cert. */
  CARD_CERT_HEADER: z.string().regex(/^[a-z0-9-]{1,60}$/i).optional(),
  /** Addresses of the proxies allowed to send CARD_CERT_HEADER (comma-separated IPs); from anyone else the header is ignored. */
  CARD_PROXY_ADDRESSES: z.string().optional(),
  /**
   * R16: partner sites whose sign-in Habilis accepts, as a JSON array of OpenID providers:
   * [{"id":"dpi-chu","name":"DPI du CHU","issuer":"https://…","clientId":"…","clientSecret":"…",
   *   "strongAcr":["…"],"maxAuthAgeSeconds":600}]. Unset: no partner sign-in.
   */
  PARTNERS: z
    .string()
    .transform((value, ctx) => {
      try {
        return z.array(partnerSchema).max(50).parse(JSON.parse(value));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'doit être un tableau JSON de partenaires {id, name, issuer, clientId, clientSecret, strongAcr?, maxAuthAgeSeconds?}' });
        return z.NEVER;
      }
    })
    .optional(),
});

export type Config = Readonly<{
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  host: string;
  port: number;
  /** TLS terminated by Habilis: server certificate and key (PEM); null behind a TLS-terminating proxy. */
  https: Readonly<{ cert: string; key: string }> | null;
  baseUrl: URL;
  sessionSecret: Buffer;
  databaseUrl: string | undefined;
  /** Owner role's connection for the migrations; undefined: see DATABASE_MIGRATION_URL. */
  databaseMigrationUrl: string | undefined;
  embeddedPgDir: string;
  embeddedPgPort: number | undefined;
  databasePoolSize: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  smsGatewayUrl: string | undefined;
  smsGatewayToken: string | undefined;
  demoData: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  trustProxy: string[];
  logLevel: string;
  jobs: boolean;
  /** GET /metrics: bearer token and allowed addresses; null when neither is set (no /metrics route). */
  metrics: Readonly<{ token: string | null; allow: readonly string[] }> | null;
  loginCodesPerHour: number;
  passwordMaxAgeMonths: number;
  passwordComposition: boolean;
  loginFailureMinMs: number;
  /** ROR synchronisation; null when ROR_BASE_URL is unset (synchronisation disabled). */
  ror: RorConfig | null;
  /** Pro Santé Connect (R13); null when PSC_ISSUER is unset (the e-CPS login is hidden). */
  psc: PscConfig | null;
  /** CPS card login (R12); null when CARD_CA_FILE is unset. */
  card: CardConfig | null;
  /** R16: partner OpenID providers (empty: no partner sign-in). */
  partners: readonly PartnerConfig[];
  /** R51: largest PDF document of a sheet, in bytes. */
  directoryDocumentMaxBytes: number;
  /** R64: months the ESMS access log is kept. */
  esmsAccessLogMonths: number;
  /** Issue 17: the OpenID provider's key-encryption key (IDP_KEY_ENCRYPTION_KEY; a fixed development key outside production) and the per-client API rate. */
  idp: Readonly<{ keyEncryptionKey: Buffer; clientRatePerSecond: number }>;
}>;

export type PartnerConfig = Readonly<{
  id: string;
  name: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
  strongAcr: readonly string[];
  maxAuthAgeSeconds: number;
}>;

export type CardConfig = Readonly<{
  /** PEM text of the trusted CA certificates, read once at boot. */
  caPem: string;
  /** R12: file of the CAs' revocation lists, reread when it changes; null: revocation checked by the TLS terminator. */
  crlFile: string | null;
  header: string | null;
  proxyAddresses: readonly string[];
}>;

/** PEM texts of a mutual TLS client: certificate and key presented, CA of the server trusted. */
export type TlsFiles = Readonly<{ cert: string | undefined; key: string | undefined; ca: string | undefined }>;

export type PscConfig = Readonly<{
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  clientAuth: 'client_secret_basic' | 'tls_client_auth';
  tls: TlsFiles | null;
  acr: 'eidas1' | 'eidas2' | 'eidas3';
  scope: string;
}>;

export type RorConfig = Readonly<{
  baseUrl: string;
  tokenUrl: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  headers: Readonly<Record<string, string>>;
  syncCron: string;
  timeoutMs: number;
  /** Mutual TLS with the ROR: PEM texts read once at boot; null without ROR_TLS_CERT_FILE and ROR_TLS_CA_FILE. */
  tls: TlsFiles | null;
}>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and checks the environment. Throws ConfigError with a message naming each faulty variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are "unset": a blank line in a .env file must not become a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')} : ${issue.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];

  if (isProduction) {
    if (!e.BASE_URL) problems.push('BASE_URL : obligatoire en production');
    else if (!e.BASE_URL.startsWith('https://')) problems.push('BASE_URL : doit être en https en production');
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET : obligatoire en production (32 octets au moins)');
    if (!e.DATABASE_URL) problems.push('DATABASE_URL : obligatoire en production');
    if (!e.SMTP_URL) problems.push('SMTP_URL : obligatoire en production (aucun e-mail ne partirait)');
    if (e.DEMO_DATA) problems.push('DEMO_DATA : interdit en production');
  }
  if (e.ROR_TOKEN_URL && (!e.ROR_CLIENT_ID || !e.ROR_CLIENT_SECRET)) {
    problems.push('ROR_CLIENT_ID, ROR_CLIENT_SECRET : obligatoires avec ROR_TOKEN_URL');
  }
  const pscByCertificate = e.PSC_CLIENT_AUTH === 'tls_client_auth';
  if (e.PSC_ISSUER && !e.PSC_CLIENT_ID) problems.push('PSC_CLIENT_ID : obligatoire avec PSC_ISSUER');
  if (e.PSC_ISSUER && !pscByCertificate && !e.PSC_CLIENT_SECRET) problems.push('PSC_CLIENT_SECRET : obligatoire avec PSC_ISSUER (ou PSC_CLIENT_AUTH=tls_client_auth)');
  if (e.PSC_ISSUER && pscByCertificate && !e.PSC_TLS_CERT_FILE) problems.push('PSC_TLS_CERT_FILE, PSC_TLS_KEY_FILE : obligatoires avec PSC_CLIENT_AUTH=tls_client_auth');
  const pscTls = readTlsFiles(tlsVariables('PSC'), { cert: e.PSC_TLS_CERT_FILE, key: e.PSC_TLS_KEY_FILE, ca: e.PSC_TLS_CA_FILE }, problems);
  if (isProduction && e.PSC_ISSUER && !e.PSC_ISSUER.startsWith('https://')) problems.push('PSC_ISSUER : doit être en https en production');
  let cardCaPem: string | null = null;
  if (e.CARD_CA_FILE) {
    try {
      cardCaPem = readFileSync(e.CARD_CA_FILE, 'utf8');
      if (!cardCaPem.includes('-----BEGIN CERTIFICATE-----')) problems.push('CARD_CA_FILE : aucun certificat PEM dans ce fichier');
    } catch {
      problems.push('CARD_CA_FILE : fichier illisible');
    }
  }
  if (e.CARD_CRL_FILE) {
    if (!e.CARD_CA_FILE) problems.push('CARD_CA_FILE : obligatoire avec CARD_CRL_FILE');
    try {
      if (!/-----BEGIN (?:X509 )?CRL-----/.test(readFileSync(e.CARD_CRL_FILE, 'utf8'))) problems.push('CARD_CRL_FILE : aucune liste de révocation PEM dans ce fichier');
    } catch {
      problems.push('CARD_CRL_FILE : fichier illisible');
    }
  }
  const httpsFiles = readTlsFiles({ cert: 'HTTPS_CERT_FILE', key: 'HTTPS_KEY_FILE', ca: 'HTTPS_CA_FILE' }, { cert: e.HTTPS_CERT_FILE, key: e.HTTPS_KEY_FILE, ca: undefined }, problems);
  // Terminating TLS itself, Habilis is the only one that can refuse a lost or stolen card (R12).
  if (isProduction && e.HTTPS_CERT_FILE && e.CARD_CA_FILE && !e.CARD_CRL_FILE) problems.push('CARD_CRL_FILE : obligatoire en production quand Habilis termine TLS (HTTPS_CERT_FILE) avec la connexion par carte');
  const rorTls = readTlsFiles(tlsVariables('ROR'), { cert: e.ROR_TLS_CERT_FILE, key: e.ROR_TLS_KEY_FILE, ca: e.ROR_TLS_CA_FILE }, problems);
  if (rorTls && e.ROR_BASE_URL && !e.ROR_BASE_URL.startsWith('https://')) problems.push('ROR_BASE_URL : doit être en https avec ROR_TLS_*');
  if (isProduction && e.PARTNERS?.some((p) => !p.issuer.startsWith('https://'))) problems.push('PARTNERS : issuer en https en production');
  if (e.CARD_CERT_HEADER && !e.CARD_PROXY_ADDRESSES) problems.push('CARD_PROXY_ADDRESSES : obligatoire avec CARD_CERT_HEADER');
  if (e.SESSION_SECRET && Buffer.byteLength(e.SESSION_SECRET) < 32) {
    problems.push('SESSION_SECRET : 32 octets au moins');
  }
  if (isProduction && !e.IDP_KEY_ENCRYPTION_KEY) problems.push('IDP_KEY_ENCRYPTION_KEY : obligatoire en production (32 octets en base64 : openssl rand -base64 32)');
  if (e.DATABASE_MIGRATION_URL && !e.DATABASE_URL) problems.push('DATABASE_URL : obligatoire avec DATABASE_MIGRATION_URL');
  if (problems.length > 0) {
    throw new ConfigError(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  const baseUrl = new URL(e.BASE_URL ?? `http://localhost:${e.PORT}`);
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    https: httpsFiles?.cert && httpsFiles.key ? Object.freeze({ cert: httpsFiles.cert, key: httpsFiles.key }) : null,
    baseUrl,
    // Outside production a fresh random secret per start is safe: sessions simply do not survive a restart.
    sessionSecret: e.SESSION_SECRET ? Buffer.from(e.SESSION_SECRET) : randomBytes(32),
    databaseUrl: e.DATABASE_URL,
    databaseMigrationUrl: e.DATABASE_MIGRATION_URL,
    embeddedPgDir: e.EMBEDDED_PG_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    smsGatewayUrl: e.SMS_GATEWAY_URL,
    smsGatewayToken: e.SMS_GATEWAY_TOKEN,
    demoData: e.DEMO_DATA ?? !isProduction,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    trustProxy: e.TRUST_PROXY ? e.TRUST_PROXY.split(',').map((s) => s.trim()).filter(Boolean) : [],
    logLevel: e.LOG_LEVEL,
    jobs: e.JOBS,
    metrics:
      e.METRICS_TOKEN || e.METRICS_ALLOW
        ? Object.freeze({ token: e.METRICS_TOKEN ?? null, allow: Object.freeze((e.METRICS_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean)) })
        : null,
    loginCodesPerHour: e.LOGIN_CODES_PER_HOUR,
    passwordMaxAgeMonths: e.PASSWORD_MAX_AGE_MONTHS,
    passwordComposition: e.PASSWORD_COMPOSITION,
    loginFailureMinMs: e.LOGIN_FAILURE_MIN_MS,
    ror: e.ROR_BASE_URL
      ? Object.freeze({
          baseUrl: e.ROR_BASE_URL.replace(/\/+$/, ''),
          tokenUrl: e.ROR_TOKEN_URL,
          clientId: e.ROR_CLIENT_ID,
          clientSecret: e.ROR_CLIENT_SECRET,
          headers: Object.freeze({ ...(e.ROR_HEADERS ?? {}) }),
          syncCron: e.ROR_SYNC_CRON,
          timeoutMs: e.ROR_TIMEOUT_MS,
          tls: rorTls,
        })
      : null,
    psc:
      e.PSC_ISSUER && e.PSC_CLIENT_ID
        ? Object.freeze({
            issuer: new URL(e.PSC_ISSUER),
            clientId: e.PSC_CLIENT_ID,
            clientSecret: e.PSC_CLIENT_SECRET,
            clientAuth: e.PSC_CLIENT_AUTH,
            tls: pscTls,
            acr: e.PSC_ACR,
            scope: e.PSC_SCOPE,
          })
        : null,
    card: cardCaPem
      ? Object.freeze({
          caPem: cardCaPem,
          crlFile: e.CARD_CRL_FILE ?? null,
          header: e.CARD_CERT_HEADER?.toLowerCase() ?? null,
          proxyAddresses: Object.freeze((e.CARD_PROXY_ADDRESSES ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
        })
      : null,
    partners: Object.freeze((e.PARTNERS ?? []).map((p) => Object.freeze({ ...p, issuer: new URL(p.issuer), strongAcr: Object.freeze([...p.strongAcr]) }))),
    directoryDocumentMaxBytes: e.DIRECTORY_DOCUMENT_MAX_MB * 1024 * 1024,
    esmsAccessLogMonths: e.ESMS_ACCESS_LOG_MONTHS,
    idp: Object.freeze({
      // Outside production a fixed key, so that keys written by one start are read by the next; never in production.
      keyEncryptionKey: e.IDP_KEY_ENCRYPTION_KEY ? Buffer.from(e.IDP_KEY_ENCRYPTION_KEY, 'base64') : createHash('sha256').update('habilis-development-idp-key').digest(),
      clientRatePerSecond: e.IDP_CLIENT_RATE_PER_SECOND,
    }),
  });
}

/**
 * TLS files (Habilis's own server certificate; the client certificates of mutual TLS with the ROR
 * and PSC), read once at boot: a missing or unreadable one stops the start with its variable named.
 * The certificate and the key go together; the CA alone only pins the server.
 */
type TlsVariables = Record<'cert' | 'key' | 'ca', string>;
const tlsVariables = (prefix: 'ROR' | 'PSC'): TlsVariables => ({ cert: `${prefix}_TLS_CERT_FILE`, key: `${prefix}_TLS_KEY_FILE`, ca: `${prefix}_TLS_CA_FILE` });

function readTlsFiles(variables: TlsVariables, files: { cert: string | undefined; key: string | undefined; ca: string | undefined }, problems: string[]): TlsFiles | null {
  if (!files.cert && !files.key && !files.ca) return null;
  if (!files.cert !== !files.key) problems.push(`${variables.cert}, ${variables.key} : à fournir ensemble (certificat et clé privée)`);
  const read = (variable: string, file: string | undefined, marker: RegExp, what: string): string | undefined => {
    if (!file) return undefined;
    try {
      const text = readFileSync(file, 'utf8');
      if (!marker.test(text)) problems.push(`${variable} : ${what} PEM absent de ce fichier`);
      return text;
    } catch {
      problems.push(`${variable} : fichier illisible`);
      return undefined;
    }
  };
  return Object.freeze({
    cert: read(variables.cert, files.cert, /-----BEGIN CERTIFICATE-----/, 'certificat'),
    key: read(variables.key, files.key, /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/, 'clé privée non chiffrée'),
    ca: read(variables.ca, files.ca, /-----BEGIN CERTIFICATE-----/, 'certificat'),
  });
}

/** True when the base URL points at this machine: no HSTS, cookies without Secure. */
export function isLocalBaseUrl(config: Config): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(config.baseUrl.hostname) && config.baseUrl.protocol === 'http:';
}
