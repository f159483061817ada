/**
 * Pages of "Mon compte" (R41) and "Mes référents" (R42). Pure functions of their props; every form
 * works without JavaScript (a confirmation step is a page, "Voir" is a <details>).
 */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CodeField, CsrfField, ErrorSummary, Field, HistoryTable, NewPasswordFields } from '../../views/components.js';
import { formatDate, formatDateTime, parisDate } from '../../platform/clock.js';
import { OTP_TTL_MS, PASSWORD_RULE_TEXT, TRUSTED_BROWSER_MS } from '../auth/auth.rules.js';
import { formatDuration } from '../../views/durations.js';
import { formatPhone, HABILITATION_STATUS_LABELS } from './self-service.rules.js';
import type { AccountOverview, BrowserView, HabilitationView, HistoryLine, SessionView } from './self-service.service.js';
import type { ReferentGroup, ReferentView } from './self-referents.service.js';

export type FieldErrors = Record<string, string>;

/** The form errors as the summary lists them: field errors first, then a general one. */
function summary(errors: FieldErrors, general?: string) {
  const list = Object.entries(errors).map(([field, message]) => ({ field, message }));
  return general && !list.some((e) => e.message === general) ? [{ message: general }, ...list] : list;
}

const day = (instant: Date) => formatDate(parisDate(instant));

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
    ? summary(props.identity.errors, props.identity.general)
    : props.channel
      ? summary(props.channel.errors, props.channel.general)
      : props.mobileError
        ? [{ message: props.mobileError }]
        : [];
  const others = overview.sessions.filter((s) => !s.current).length;
  const smsPossible = account.mobile_phone !== null && account.mobile_verified_at !== null;
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

      <section aria-labelledby="informations">
        <h2 id="informations" tabIndex={-1}>Informations personnelles</h2>
        <dl>
          <dt>Nom d’utilisateur</dt>
          <dd>{account.username}</dd>
          <dt>Compte créé par</dt>
          <dd>{overview.creatorLabel ?? 'Système (création automatique ou reprise de données)'}</dd>
          <dt>Compte créé le</dt>
          <dd>{day(account.created_at)}</dd>
        </dl>
        {overview.pendingEmail ? (
          <Alert kind="info" title="Changement d’adresse e-mail en attente">
            Un lien de validation a été envoyé à <strong>{overview.pendingEmail.newEmail}</strong>. Il est valable jusqu’au{' '}
            {formatDateTime(overview.pendingEmail.expiresAt)}. D’ici là, votre adresse reste {account.email}.
          </Alert>
        ) : null}
        <form method="post" action="/mon-compte/informations" class="form" novalidate>
          <CsrfField token={props.csrfToken} />
          <Field id="lastName" label="Nom" value={identity.values.lastName} autocomplete="family-name" required maxLength={100} error={identity.errors.lastName} />
          <Field id="firstName" label="Prénom" value={identity.values.firstName} autocomplete="given-name" required maxLength={100} error={identity.errors.firstName} />
          <Field
            id="email"
            label="Adresse e-mail"
            type="email"
            inputMode="email"
            value={identity.values.email}
            autocomplete="email"
            required
            maxLength={254}
            hint="Une nouvelle adresse ne remplace l’actuelle qu’après validation par le lien que nous lui envoyons."
            error={identity.errors.email}
          />
          <Field id="phone" label="Téléphone" type="tel" inputMode="tel" value={identity.values.phone} autocomplete="tel" maxLength={40} hint="Facultatif. Exemple : 04 67 12 34 56" error={identity.errors.phone} />
          <Field id="fax" label="Fax" type="tel" inputMode="tel" value={identity.values.fax} maxLength={40} hint="Facultatif." error={identity.errors.fax} />
          <Field
            id="mobilePhone"
            label="Téléphone mobile"
            type="tel"
            inputMode="tel"
            value={identity.values.mobilePhone}
            autocomplete="tel"
            maxLength={40}
            hint="Facultatif. Exemple : 06 12 34 56 78. Un nouveau numéro doit être vérifié avant de recevoir le code de connexion."
            error={identity.errors.mobilePhone}
          />
          <Field id="profession" label="Profession" value={identity.values.profession} autocomplete="organization-title" maxLength={100} hint="Facultatif." error={identity.errors.profession} />
          <Field
            id="currentPassword"
            label="Mot de passe actuel"
            type="password"
            autocomplete="current-password"
            maxLength={128}
            hint="Demandé seulement pour modifier l’adresse e-mail ou le téléphone mobile."
            error={identity.errors.currentPassword}
          />
          <div class="form-actions">
            <button type="submit" class="button">
              Enregistrer mes informations
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby="mobile">
        <h2 id="mobile" tabIndex={-1}>Téléphone mobile et code de connexion</h2>
        {account.mobile_phone ? (
          account.mobile_verified_at ? (
            <p>
              Téléphone mobile : <strong>{formatPhone(account.mobile_phone)}</strong>, vérifié le {day(account.mobile_verified_at)}.
            </p>
          ) : (
            <form method="post" action="/mon-compte/mobile/verifier" class="inline-form">
              <CsrfField token={props.csrfToken} />
              <p>
                Téléphone mobile : <strong>{formatPhone(account.mobile_phone)}</strong>, non vérifié. Il ne peut pas recevoir le code de connexion tant
                qu’il n’est pas vérifié : nous vous envoyons un code par SMS.
              </p>
              <p>
                <button type="submit" class="button">
                  Vérifier
                </button>
              </p>
            </form>
          )
        ) : (
          <p>Aucun téléphone mobile renseigné. Renseignez-le dans vos informations personnelles puis vérifiez-le pour recevoir le code par SMS.</p>
        )}
        <form method="post" action="/mon-compte/canal-code" class="form" novalidate>
          <CsrfField token={props.csrfToken} />
          <fieldset class={channelErrors.channel ? 'field field--error' : 'field'} aria-describedby={channelErrors.channel ? 'channel-error' : undefined}>
            <legend class="field__label">Préférence réception de code OTP</legend>
            {channelErrors.channel ? (
              <p id="channel-error" class="field__error">
                <span class="visually-hidden">Erreur : </span>
                {channelErrors.channel}
              </p>
            ) : null}
            <div class="checkbox">
              <input type="radio" id="channel" name="channel" value="EMAIL" checked={account.otp_channel === 'EMAIL'} />
              <label for="channel">E-mail ({account.email})</label>
            </div>
            <div class="checkbox">
              <input type="radio" id="channel-sms" name="channel" value="SMS" checked={account.otp_channel === 'SMS'} disabled={!smsPossible} aria-describedby={smsPossible ? undefined : 'channel-sms-hint'} />
              <label for="channel-sms">SMS{account.mobile_phone ? ` (${formatPhone(account.mobile_phone)})` : ''}</label>
            </div>
            {smsPossible ? null : (
              <p id="channel-sms-hint" class="field__hint">
                Le SMS n’est possible qu’avec un téléphone mobile vérifié.
              </p>
            )}
          </fieldset>
          <Field id="channelPassword" label="Mot de passe actuel (confirmation)" type="password" autocomplete="current-password" maxLength={128} error={channelErrors.channelPassword} />
          <div class="form-actions">
            <button type="submit" class="button">
              Enregistrer ma préférence
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby="mot-de-passe">
        <h2 id="mot-de-passe" tabIndex={-1}>Mot de passe</h2>
        <p>{account.password_changed_at ? `Dernière modification le ${formatDateTime(account.password_changed_at)}.` : 'Aucun mot de passe choisi.'}</p>
        <p>
          <a href="/mon-compte/mot-de-passe" class="button button--secondary">
            Modifier<span class="visually-hidden"> mon mot de passe</span>
          </a>
        </p>
      </section>

      <section aria-labelledby="habilitations">
        <h2 id="habilitations" tabIndex={-1}>Mes habilitations</h2>
        <HabilitationsTable habilitations={overview.habilitations} csrfToken={props.csrfToken} />
        <p>
          Pour obtenir une nouvelle habilitation ou prolonger une habilitation, contactez le référent de votre structure : voir{' '}
          <a href="/mes-referents">Mes référents</a>.
        </p>
      </section>

      <section aria-labelledby="sessions">
        <h2 id="sessions" tabIndex={-1}>Sessions et navigateurs de confiance</h2>
        <SessionsTable sessions={overview.sessions} csrfToken={props.csrfToken} />
        {others > 0 ? (
          <form method="post" action="/mon-compte/sessions/terminer-les-autres" class="inline-form">
            <CsrfField token={props.csrfToken} />
            <p>Terminer les autres sessions retire aussi la confiance à vos autres navigateurs : le code y sera demandé à la prochaine connexion.</p>
            <p>
              <button type="submit" class="button button--secondary">
                Terminer toutes les autres
              </button>
            </p>
          </form>
        ) : null}
        <h3>Navigateurs de confiance</h3>
        <p>Un navigateur de confiance ne vous demande pas le code pendant {formatDuration(TRUSTED_BROWSER_MS)} après l’avoir reçu.</p>
        <BrowsersTable browsers={overview.browsers} csrfToken={props.csrfToken} />
      </section>

      <section aria-labelledby="historique">
        <h2 id="historique" tabIndex={-1}>Historique du compte</h2>
        <HistoryTable lines={overview.history} />
        {overview.historyTotal > overview.history.length ? (
          <p>
            <a href="/mon-compte/historique">Voir tout l’historique ({overview.historyTotal} événements)</a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

function HabilitationsTable({ habilitations, csrfToken }: { habilitations: HabilitationView[]; csrfToken: string }) {
  if (habilitations.length === 0) {
    return <p>Vous n’avez aucune habilitation. Pour en obtenir une, contactez le référent de la structure où vous travaillez.</p>;
  }
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Profil</th>
          <th scope="col">Lieu</th>
          <th scope="col">Validité</th>
          <th scope="col">Droits</th>
          <th scope="col">Créée le</th>
          <th scope="col">Supprimée le</th>
          <th scope="col">Réception des mails</th>
          <th scope="col">Supprimer</th>
        </tr>
      </thead>
      <tbody>
        {habilitations.map((h) => {
          const name = `${h.profileName} – ${h.location}`;
          return (
            <tr>
              <th scope="row">{h.profileName}</th>
              <td>{h.location}</td>
              <td>
                du {formatDate(h.startDate)} au {formatDate(h.endDate)}
                <br />
                {HABILITATION_STATUS_LABELS[h.status]}
              </td>
              <td>
                <details>
                  <summary>
                    Voir<span class="visually-hidden"> les droits de l’habilitation {name}</span>
                  </summary>
                  <ul>
                    {h.rights.map((r) => (
                      <li>{r.label}</li>
                    ))}
                  </ul>
                </details>
              </td>
              <td>{day(h.createdAt)}</td>
              <td>{h.deletedAt ? day(h.deletedAt) : ''}</td>
              <td>
                {h.deletedAt ? (
                  h.emailNotifications ? 'Oui' : 'Non'
                ) : (
                  <form method="post" action={`/mon-compte/habilitations/${h.id}/reception-mails`}>
                    <CsrfField token={csrfToken} />
                    <div class="checkbox">
                      <input type="checkbox" id={`mails-${h.id}`} name="mails" value="1" checked={h.emailNotifications} />
                      <label for={`mails-${h.id}`}>
                        Recevoir<span class="visually-hidden"> les mails de l’habilitation {name}</span>
                      </label>
                    </div>
                    <button type="submit" class="link-button">
                      Enregistrer<span class="visually-hidden"> la réception des mails de l’habilitation {name}</span>
                    </button>
                  </form>
                )}
              </td>
              <td>
                {h.deletedAt ? null : (
                  <a href={`/mon-compte/habilitations/${h.id}/supprimer`} class="button button--secondary">
                    <span aria-hidden="true">✕</span>
                    <span class="visually-hidden">Supprimer l’habilitation {name}</span>
                  </a>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SessionsTable({ sessions, csrfToken }: { sessions: SessionView[]; csrfToken: string }) {
  return (
    <table>
      <caption>Sessions ouvertes</caption>
      <thead>
        <tr>
          <th scope="col">Appareil</th>
          <th scope="col">Adresse IP</th>
          <th scope="col">Depuis</th>
          <th scope="col">Dernière activité</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr>
            <th scope="row">
              {s.device}
              {s.awaitingCode ? ' (en attente du code de connexion)' : ''}
            </th>
            <td>{s.ip ?? ''}</td>
            <td>{formatDateTime(s.createdAt)}</td>
            <td>{formatDateTime(s.lastSeenAt)}</td>
            <td>
              {s.current ? (
                'Cette session'
              ) : (
                <form method="post" action={`/mon-compte/sessions/${s.ref}/terminer`} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <button type="submit" class="link-button">
                    Terminer<span class="visually-hidden"> la session {s.device} ouverte le {formatDateTime(s.createdAt)}</span>
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BrowsersTable({ browsers, csrfToken }: { browsers: BrowserView[]; csrfToken: string }) {
  if (browsers.length === 0) return <p>Aucun navigateur de confiance.</p>;
  return (
    <table>
      <caption>Navigateurs de confiance</caption>
      <thead>
        <tr>
          <th scope="col">Navigateur</th>
          <th scope="col">De confiance depuis</th>
          <th scope="col">Jusqu’au</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {browsers.map((b) => (
          <tr>
            <th scope="row">{b.current ? 'Ce navigateur' : 'Un autre navigateur'}</th>
            <td>{formatDateTime(b.createdAt)}</td>
            <td>{formatDateTime(b.expiresAt)}</td>
            <td>
              <form method="post" action={`/mon-compte/navigateurs/${b.ref}/retirer`} class="inline-form">
                <CsrfField token={csrfToken} />
                <button type="submit" class="link-button">
                  Retirer la confiance<span class="visually-hidden"> au navigateur de confiance depuis le {formatDateTime(b.createdAt)}</span>
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
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
      <ErrorSummary errors={summary(props.errors, props.general)} />
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

// ─── Mes référents (R42) ────────────────────────────────────────────────────────────────────

function ReferentList({ referents, caption }: { referents: ReferentView[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Nom</th>
          <th scope="col">Adresse e-mail</th>
          <th scope="col">Téléphone</th>
        </tr>
      </thead>
      <tbody>
        {referents.map((r) => (
          <tr>
            <th scope="row">
              {r.name}
              {r.isMe ? ' (vous)' : ''}
            </th>
            <td>
              <a href={`mailto:${r.email}`}>{r.email}</a>
            </td>
            <td>{r.phone ? <a href={`tel:${r.phone.replace(/\s/g, '')}`}>{r.phone}</a> : 'Non renseigné'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReferentsPage(props: PageFrame & { groups: ReferentGroup[] }) {
  return (
    <Layout title="Mes référents" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Mes référents</h1>
      {props.groups.length === 0 ? (
        <>
          <p>Vous n’avez aucune habilitation active : vous n’avez donc pas encore de référent dans Habilis.</p>
          <h2>Comment obtenir une habilitation ?</h2>
          <p>
            Les habilitations sont attribuées par les référents de chaque structure (établissement ou unité). Demandez à votre encadrement ou au
            secrétariat de votre établissement qui en est le référent Habilis, puis contactez-le en lui indiquant votre nom d’utilisateur (
            {props.viewer.username}), le service où vous travaillez et le profil dont vous avez besoin.
          </p>
        </>
      ) : (
        <>
          <p>Pour chacune de vos habilitations actives, les référents à contacter pour une nouvelle habilitation, une prolongation ou un déblocage.</p>
          {props.groups.map((g) => (
            <section aria-labelledby={`habilitation-${g.habilitationId}`}>
              <h2 id={`habilitation-${g.habilitationId}`}>
                {g.profileName} – {g.location}
              </h2>
              <p>Habilitation valable jusqu’au {formatDate(g.endDate)}.</p>
              {g.territory ? (
                <p>Cette habilitation porte sur un territoire (coordination ou région) : elle est gérée par l’équipe régionale du service.</p>
              ) : null}
              {g.unit ? (
                g.unit.referents.length > 0 ? (
                  <ReferentList referents={g.unit.referents} caption={`Référents de l’unité ${g.unit.name}`} />
                ) : (
                  <p>L’unité {g.unit.name} n’a pas de référent unité : adressez-vous aux référents de l’établissement.</p>
                )
              ) : null}
              {g.establishment ? (
                <>
                  {g.establishment.referents.length > 0 ? (
                    <ReferentList referents={g.establishment.referents} caption={`Référents de l’établissement ${g.establishment.name}`} />
                  ) : (
                    <p>L’établissement {g.establishment.name} n’a aucun référent structure.</p>
                  )}
                  {g.establishment.lacksReferents ? (
                    <Alert kind="warning">
                      Cette structure compte moins de 2 référents : en cas d’absence, personne ne pourrait gérer les comptes. Signalez-le à la direction
                      de l’établissement ou à l’équipe de coordination.
                    </Alert>
                  ) : null}
                </>
              ) : null}
            </section>
          ))}
        </>
      )}
    </Layout>
  );
}
