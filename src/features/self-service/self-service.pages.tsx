/**
 * Pages of "Mon compte" (R41): the account page, made of one component per section
 * (self-account.sections.tsx), and the pages of its steps (history, password, mobile code, deletion
 * of a habilitation, e-mail change link). Pure functions of their props; every form works without
 * JavaScript (a confirmation step is a page, "Voir" is a <details>). "Mes référents" is
 * self-referents.pages.tsx.
 */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CodeField, CsrfField, ErrorSummary, Field, HistoryTable, NewPasswordFields, summaryOf, type FieldErrors } from '../../views/components.js';
import { formatDate } from '../../platform/clock.js';
import { OTP_TTL_MS, PASSWORD_RULE_TEXT } from '../auth/auth.rules.js';
import { formatDuration } from '../../views/durations.js';
import { formatPhone } from './self-service.rules.js';
import type { AccountOverview, HabilitationView, HistoryLine } from './self-service.service.js';
import { HabilitationsSection, HistorySection, IdentitySection, MobileSection, PasswordSection, SessionsSection } from './self-account.sections.js';

export type { FieldErrors } from '../../views/components.js';

interface PageFrame {
  csrfToken: string;
  viewer: Viewer;
}

// ─── Mon compte ─────────────────────────────────────────────────────────────────────────────

export interface IdentityFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  general?: string;
}

export interface AccountPageProps extends PageFrame {
  overview: AccountOverview;
  notice?: string;
  /** After a password change: offer to end the other sessions. */
  offerEndSessions?: boolean;
  identity?: IdentityFormState;
  channel?: { errors: FieldErrors; general?: string };
  mobileError?: string;
}

function identityDefaults(account: AccountOverview['account']): Record<string, string> {
  return {
    lastName: account.last_name,
    firstName: account.first_name,
    email: account.email,
    phone: formatPhone(account.phone),
    fax: formatPhone(account.fax),
    mobilePhone: formatPhone(account.mobile_phone),
    profession: account.profession ?? '',
  };
}

export function AccountPage(props: AccountPageProps) {
  const { overview } = props;
  const { account } = overview;
  const identity = props.identity ?? { values: identityDefaults(account), errors: {} };
  const channelErrors = props.channel?.errors ?? {};
  const errors = props.identity
    ? summaryOf(props.identity.errors, props.identity.general)
    : props.channel
      ? summaryOf(props.channel.errors, props.channel.general)
      : props.mobileError
        ? [{ message: props.mobileError }]
        : [];
  const others = overview.sessions.filter((s) => !s.current).length;
  return (
    <Layout title="Mon compte" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Mon compte</h1>
      <ErrorSummary errors={errors} />
      {props.notice ? (
        <Alert kind="success">
          <p>{props.notice}</p>
          {props.offerEndSessions && others > 0 ? (
            <form method="post" action="/mon-compte/sessions/terminer-les-autres" class="inline-form">
              <CsrfField token={props.csrfToken} />
              <p>
                {others === 1 ? 'Une autre session de votre compte est ouverte.' : `${others} autres sessions de votre compte sont ouvertes.`} Voulez-vous
                les terminer ?
              </p>
              <button type="submit" class="button">
                Terminer toutes les autres
              </button>
            </form>
          ) : null}
        </Alert>
      ) : null}
      <nav aria-label="Sections de la page">
        <ul>
          <li><a href="#informations">Informations personnelles</a></li>
          <li><a href="#mobile">Téléphone mobile et code de connexion</a></li>
          <li><a href="#mot-de-passe">Mot de passe</a></li>
          <li><a href="#habilitations">Mes habilitations</a></li>
          <li><a href="#sessions">Sessions et navigateurs de confiance</a></li>
          <li><a href="#historique">Historique du compte</a></li>
        </ul>
      </nav>

      <IdentitySection overview={overview} identity={identity} csrfToken={props.csrfToken} />
      <MobileSection account={account} errors={channelErrors} csrfToken={props.csrfToken} />
      <PasswordSection account={account} />
      <HabilitationsSection habilitations={overview.habilitations} csrfToken={props.csrfToken} />
      <SessionsSection sessions={overview.sessions} browsers={overview.browsers} csrfToken={props.csrfToken} />
      <HistorySection history={overview.history} total={overview.historyTotal} />
    </Layout>
  );
}

export function HistoryPage(props: PageFrame & { lines: HistoryLine[]; page: number; pages: number; total: number }) {
  return (
    <Layout title="Historique du compte" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Historique du compte</h1>
      <p>
        {props.total} événement{props.total > 1 ? 's' : ''}, du plus récent au plus ancien. Page {props.page} sur {props.pages}.
      </p>
      <HistoryTable lines={props.lines} />
      <nav aria-label="Pagination de l’historique">
        <ul>
          {props.page > 1 ? (
            <li>
              <a href={`/mon-compte/historique?page=${props.page - 1}`}>Page précédente</a>
            </li>
          ) : null}
          {props.page < props.pages ? (
            <li>
              <a href={`/mon-compte/historique?page=${props.page + 1}`}>Page suivante</a>
            </li>
          ) : null}
          <li>
            <a href="/mon-compte">Retour à Mon compte</a>
          </li>
        </ul>
      </nav>
    </Layout>
  );
}

// ─── Password, mobile code, habilitation deletion ───────────────────────────────────────────

export function PasswordPage(props: PageFrame & { errors: FieldErrors; general?: string }) {
  return (
    <Layout title="Modifier mon mot de passe" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Modifier mon mot de passe</h1>
      <ErrorSummary errors={summaryOf(props.errors, props.general)} />
      <form method="post" action="/mon-compte/mot-de-passe" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="username" value={props.viewer.username} autocomplete="username" />
        <Field id="currentPassword" label="Mot de passe actuel" type="password" autocomplete="current-password" required maxLength={128} error={props.errors.currentPassword} autofocus />
        <NewPasswordFields label="Nouveau mot de passe" hint={PASSWORD_RULE_TEXT} errors={props.errors} />
        <div class="form-actions">
          <button type="submit" class="button">
            Enregistrer mon nouveau mot de passe
          </button>
          <a href="/mon-compte#mot-de-passe">Annuler</a>
        </div>
      </form>
    </Layout>
  );
}

export function MobileCodePage(props: PageFrame & { masked: string; error?: string; notice?: string }) {
  return (
    <Layout title="Vérifier mon téléphone mobile" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Vérifier mon téléphone mobile</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <ErrorSummary errors={props.error ? [{ message: props.error, field: 'code' }] : []} />
      <p>Un code à 6 chiffres vous a été envoyé par SMS au {props.masked}. Il est valable {formatDuration(OTP_TTL_MS)}.</p>
      <form method="post" action="/mon-compte/mobile/code" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <CodeField label="Code reçu par SMS" error={props.error} />
        <div class="form-actions">
          <button type="submit" class="button">
            Valider
          </button>
          <a href="/mon-compte#mobile">Annuler</a>
        </div>
      </form>
      <form method="post" action="/mon-compte/mobile/verifier">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="depuis" value="code" />
        <button type="submit" class="link-button">
          Si vous n’avez pas reçu le code, cliquez ici pour en recevoir un nouveau
        </button>
      </form>
    </Layout>
  );
}

export function DeleteHabilitationPage(props: PageFrame & { habilitation: HabilitationView }) {
  const h = props.habilitation;
  return (
    <Layout title="Supprimer une habilitation" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Supprimer une habilitation</h1>
      <Alert kind="warning" title="Cette suppression est définitive">
        Vous perdrez les droits de cette habilitation. Seul un référent de votre structure pourra vous en attribuer une nouvelle.
      </Alert>
      <dl>
        <dt>Profil</dt>
        <dd>{h.profileName}</dd>
        <dt>Lieu</dt>
        <dd>{h.location}</dd>
        <dt>Validité</dt>
        <dd>
          du {formatDate(h.startDate)} au {formatDate(h.endDate)}
        </dd>
      </dl>
      <form method="post" action={`/mon-compte/habilitations/${h.id}/supprimer`} class="form">
        <CsrfField token={props.csrfToken} />
        <div class="form-actions">
          <button type="submit" class="button">
            Confirmer la suppression
          </button>
          <a href="/mon-compte#habilitations">Annuler</a>
        </div>
      </form>
    </Layout>
  );
}

// ─── E-mail change link ─────────────────────────────────────────────────────────────────────

export function EmailChangePage(props: { csrfToken: string; viewer: Viewer | null; token: string; username: string; newEmail: string }) {
  return (
    <Layout title="Valider ma nouvelle adresse e-mail" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Valider ma nouvelle adresse e-mail</h1>
      <p>
        L’adresse <strong>{props.newEmail}</strong> deviendra celle du compte <strong>{props.username}</strong>.
      </p>
      <form method="post" action="/mon-compte/adresse-email/valider" class="form">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="jeton" value={props.token} />
        <div class="form-actions">
          <button type="submit" class="button">
            Valider cette adresse
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function EmailChangedPage(props: { csrfToken: string; viewer: Viewer | null }) {
  return (
    <Layout title="Adresse e-mail validée" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Adresse e-mail validée</h1>
      <Alert kind="success">Votre nouvelle adresse e-mail est validée : elle est désormais celle de votre compte.</Alert>
      <p>
        <a href={props.viewer ? '/mon-compte' : '/connexion'}>{props.viewer ? 'Retour à Mon compte' : 'Se connecter'}</a>
      </p>
    </Layout>
  );
}

export function EmailLinkInvalidPage(props: { csrfToken: string; viewer: Viewer | null; message: string }) {
  return (
    <Layout title="Lien expiré" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Ce lien n’est plus valable</h1>
      <p>{props.message}</p>
      <p>
        <a href="/mon-compte">Aller à Mon compte</a>
      </p>
    </Layout>
  );
}

