/**
 * The database as Kysely sees it: one interface per table, written by hand beside the migrations.
 * Generated columns are `Generated<…>`; timestamps come back as Date, dates as 'YYYY-MM-DD' strings.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A calendar date in Europe/Paris, 'YYYY-MM-DD'. */
type CalendarDate = string;

export type LocationLevel = 'unit' | 'establishment' | 'department' | 'region';

export interface RegionTable {
  code: string;
  name: string;
}
export interface DepartmentTable {
  code: string;
  name: string;
  region_code: string;
}
export interface LegalEntityTable {
  id: Generated<number>;
  finess: string;
  name: string;
  ror_id: string | null;
}
export interface EstablishmentTable {
  id: Generated<number>;
  finess: string;
  name: string;
  category: string;
  domain_code: string | null;
  legal_entity_id: number | null;
  department_code: string;
  address: string | null;
  postcode: string | null;
  city: string | null;
  phone: string | null;
  email: string | null;
  ror_synced: Generated<boolean>;
  ror_id: string | null;
  ror_synced_at: NullableTimestamp;
  description: string | null;
  closed_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface UnitTable {
  id: Generated<number>;
  establishment_id: number;
  name: string;
  internal_code: string | null;
  ror_id: string | null;
  closed_at: NullableTimestamp;
  created_at: Generated<Date>;
}
export interface DomainTable {
  code: string;
  name: string;
}
export interface RightTable {
  code: string;
  label: string;
}
export interface ProfileTable {
  id: Generated<number>;
  code: string;
  name: string;
  domain_code: string | null;
  location_level: LocationLevel;
  description: Generated<string>;
}
export interface ProfileRightTable {
  profile_id: number;
  right_code: string;
}
export interface ProfileGrantorTable {
  profile_id: number;
  grantor_profile_id: number;
}
export interface AccountTable {
  id: Generated<number>;
  username: string;
  last_name: string;
  first_name: string;
  email: string;
  email_verified_at: NullableTimestamp;
  phone: string | null;
  fax: string | null;
  mobile_phone: string | null;
  mobile_verified_at: NullableTimestamp;
  profession: string | null;
  rpps: string | null;
  password_hash: string | null;
  password_changed_at: NullableTimestamp;
  otp_channel: Generated<'EMAIL' | 'SMS'>;
  failed_login_count: Generated<number>;
  blocked_at: NullableTimestamp;
  deactivated_at: NullableTimestamp;
  terms_version_accepted: string | null;
  terms_accepted_at: NullableTimestamp;
  created_by_account_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface HabilitationTable {
  id: Generated<number>;
  account_id: number;
  profile_id: number;
  unit_id: number | null;
  establishment_id: number | null;
  department_code: string | null;
  region_code: string | null;
  start_date: CalendarDate;
  end_date: CalendarDate;
  email_notifications: Generated<boolean>;
  created_at: Generated<Date>;
  created_by_account_id: number | null;
  deleted_at: NullableTimestamp;
  deleted_by_account_id: number | null;
}
export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: Generated<Date>;
  actor_account_id: number | null;
  actor_label: string;
  subject_account_id: number | null;
  code: string;
  description: string;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
}
export interface SessionTable {
  id_hash: Buffer;
  account_id: number;
  strength: 'password' | 'strong';
  auth_method: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  pending_step: Generated<'password_change' | 'terms' | null>;
}
export interface OneTimeCodeTable {
  id: Generated<number>;
  account_id: number;
  purpose: 'login' | 'mobile_verification';
  session_id_hash: Buffer | null;
  code_hash: string;
  channel: 'EMAIL' | 'SMS';
  destination: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  attempts: Generated<number>;
  consumed_at: NullableTimestamp;
  invalidated_at: NullableTimestamp;
}
export interface TrustedBrowserTable {
  browser_hash: Buffer;
  account_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}
export interface PasswordHistoryTable {
  id: Generated<number>;
  account_id: number;
  password_hash: string;
  created_at: Timestamp;
}
export interface AccountTokenTable {
  token_hash: Buffer;
  account_id: number;
  purpose: 'activation' | 'password_reset';
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}
export interface RateLimitTable {
  key: string;
  window_start: Timestamp;
  count: number;
  expires_at: Timestamp;
}
export interface AltchaSpentTable {
  signature: string;
  expires_at: Timestamp;
}
export interface OutboxMessageTable {
  id: Generated<number>;
  channel: 'mail' | 'sms';
  recipient: string;
  subject: string | null;
  text_body: string;
  html_body: string | null;
  sensitive: Generated<boolean>;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Generated<Date>;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
}

export interface Database {
  regions: RegionTable;
  departments: DepartmentTable;
  legal_entities: LegalEntityTable;
  establishments: EstablishmentTable;
  units: UnitTable;
  domains: DomainTable;
  rights: RightTable;
  profiles: ProfileTable;
  profile_rights: ProfileRightTable;
  profile_grantors: ProfileGrantorTable;
  accounts: AccountTable;
  habilitations: HabilitationTable;
  audit_events: AuditEventTable;
  sessions: SessionTable;
  outbox_messages: OutboxMessageTable;
  one_time_codes: OneTimeCodeTable;
  trusted_browsers: TrustedBrowserTable;
  password_history: PasswordHistoryTable;
  account_tokens: AccountTokenTable;
  rate_limits: RateLimitTable;
  altcha_spent: AltchaSpentTable;
}

export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type AccountUpdate = Updateable<AccountTable>;
export type Habilitation = Selectable<HabilitationTable>;
export type NewHabilitation = Insertable<HabilitationTable>;
export type OutboxMessage = Selectable<OutboxMessageTable>;
