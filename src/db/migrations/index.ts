/** Every migration, by name; names sort in the order they run. */
import type { Migration } from 'kysely';
import * as initial from './2026-11-23T0900-initial.js';
import * as authentication from './2026-11-23T1100-authentication.js';
import * as administration from './2026-11-23T1200-administration.js';
import * as selfService from './2026-11-23T1300-self-service.js';
import * as reviewIndexes from './2026-11-23T1400-review-indexes.js';
import * as professionalIdentities from './2026-11-23T1600-professional-identities.js';
import * as directory from './2026-11-23T1500-directory.js';
import * as searchEmail from './2026-11-23T1700-search-email.js';
import * as directoryServices from './2026-11-23T1800-directory-services.js';
import * as assistants from './2026-11-23T1900-assistants.js';
import * as serviceWords from './2026-11-23T2000-service-words.js';
import * as oneTimeCodes from './2026-12-05T1000-one-time-codes.js';
import * as rorGuide from './2026-12-05T1100-ror-guide.js';
import * as esms from './2026-12-06T1000-esms.js';
import * as observatory from './2026-12-06T1400-observatory.js';
import * as esmsImportApplications from './2026-12-06T1500-esms-import-applications.js';
import * as esmsReadApplications from './2026-12-06T1600-esms-read-applications.js';
import * as identityProvider from './2026-12-06T1100-identity-provider.js';

export const migrations: Record<string, Migration> = {
  '2026-11-23T0900-initial': initial,
  '2026-11-23T1100-authentication': authentication,
  '2026-11-23T1200-administration': administration,
  '2026-11-23T1300-self-service': selfService,
  '2026-11-23T1400-review-indexes': reviewIndexes,
  '2026-11-23T1500-directory': directory,
  '2026-11-23T1600-professional-identities': professionalIdentities,
  '2026-11-23T1700-search-email': searchEmail,
  '2026-11-23T1800-directory-services': directoryServices,
  '2026-11-23T1900-assistants': assistants,
  '2026-11-23T2000-service-words': serviceWords,
  '2026-12-05T1000-one-time-codes': oneTimeCodes,
  '2026-12-05T1100-ror-guide': rorGuide,
  '2026-12-06T1000-esms': esms,
  '2026-12-06T1100-identity-provider': identityProvider,
  '2026-12-06T1400-observatory': observatory,
  '2026-12-06T1500-esms-import-applications': esmsImportApplications,
  '2026-12-06T1600-esms-read-applications': esmsReadApplications,
};
