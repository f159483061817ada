/**
 * The sections of "Mon compte" (R41), one component each: personal information, mobile and code
 * channel, password, habilitations, sessions and trusted browsers, history. Pure functions of props.
 */
import { Alert, CsrfField, Field, HistoryTable, type FieldErrors, type HistoryLine } from '../../views/components.js';
import { formatDate, formatDateTime, formatDay } from '../../platform/clock.js';
import { formatDuration } from '../../views/durations.js';
import { TRUSTED_BROWSER_MS } from '../auth/auth.rules.js';
import { formatPhone, HABILITATION_STATUS_LABELS } from './self-service.rules.js';
import type { AccountOverview, BrowserView, HabilitationView, SessionView } from './self-service.service.js';

type Account = AccountOverview['account'];

export function IdentitySection({ overview, identity, csrfToken }: { overview: AccountOverview; identity: { values: Record<string, string>; errors: FieldErrors }; csrfToken: string }) {
  const { account } = overview;
  return (
    <section aria-labelledby="informations">
      <h2 id="informations" tabIndex={-1}>Informations personnelles</h2>
      <dl>
        <dt>Nom d’utilisateur</dt>
        <dd>{account.username}</dd>
        <dt>Compte créé par</dt>
        <dd>{overview.creatorLabel ?? 'Système (création automatique ou reprise de données)'}</dd>
        <dt>Compte créé le</dt>
        <dd>{formatDay(account.created_at)}</dd>
      </dl>
      {overview.pendingEmail ? (
        <Alert kind="info" title="Changement d’adresse e-mail en attente">
          Un lien de validation a été envoyé à <strong>{overview.pendingEmail.newEmail}</strong>. Il est valable jusqu’au{' '}
          {formatDateTime(overview.pendingEmail.expiresAt)}. D’ici là, votre adresse reste {account.email}.
        </Alert>
      ) : null}
      <form method="post" action="/mon-compte/informations" class="form" novalidate>
        <CsrfField token={csrfToken} />
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
  );
}

export function MobileSection({ account, errors, csrfToken }: { account: Account; errors: FieldErrors; csrfToken: string }) {
  const channelErrors = errors;
  const smsPossible = account.mobile_phone !== null && account.mobile_verified_at !== null;
  return (
    <section aria-labelledby="mobile">
      <h2 id="mobile" tabIndex={-1}>Téléphone mobile et code de connexion</h2>
      {account.mobile_phone ? (
        account.mobile_verified_at ? (
          <p>
            Téléphone mobile : <strong>{formatPhone(account.mobile_phone)}</strong>, vérifié le {formatDay(account.mobile_verified_at)}.
          </p>
        ) : (
          <form method="post" action="/mon-compte/mobile/verifier" class="inline-form">
            <CsrfField token={csrfToken} />
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
        <CsrfField token={csrfToken} />
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
  );
}

export function PasswordSection({ account }: { account: Account }) {
  return (
    <section aria-labelledby="mot-de-passe">
      <h2 id="mot-de-passe" tabIndex={-1}>Mot de passe</h2>
      <p>{account.password_changed_at ? `Dernière modification le ${formatDateTime(account.password_changed_at)}.` : 'Aucun mot de passe choisi.'}</p>
      <p>
        <a href="/mon-compte/mot-de-passe" class="button button--secondary">
          Modifier<span class="visually-hidden"> mon mot de passe</span>
        </a>
      </p>
    </section>
  );
}

export function HabilitationsSection({ habilitations, csrfToken }: { habilitations: HabilitationView[]; csrfToken: string }) {
  return (
    <section aria-labelledby="habilitations">
      <h2 id="habilitations" tabIndex={-1}>Mes habilitations</h2>
      <HabilitationsTable habilitations={habilitations} csrfToken={csrfToken} />
      <p>
        Pour obtenir une nouvelle habilitation ou prolonger une habilitation, contactez le référent de votre structure : voir{' '}
        <a href="/mes-referents">Mes référents</a>.
      </p>
    </section>
  );
}

export function SessionsSection({ sessions, browsers, csrfToken }: { sessions: SessionView[]; browsers: BrowserView[]; csrfToken: string }) {
  const others = sessions.filter((s) => !s.current).length;
  return (
    <section aria-labelledby="sessions">
      <h2 id="sessions" tabIndex={-1}>Sessions et navigateurs de confiance</h2>
      <SessionsTable sessions={sessions} csrfToken={csrfToken} />
      {others > 0 ? (
        <form method="post" action="/mon-compte/sessions/terminer-les-autres" class="inline-form">
          <CsrfField token={csrfToken} />
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
      <BrowsersTable browsers={browsers} csrfToken={csrfToken} />
    </section>
  );
}

export function HistorySection({ history, total }: { history: HistoryLine[]; total: number }) {
  return (
    <section aria-labelledby="historique">
      <h2 id="historique" tabIndex={-1}>Historique du compte</h2>
      <HistoryTable lines={history} />
      {total > history.length ? (
        <p>
          <a href="/mon-compte/historique">Voir tout l’historique ({total} événements)</a>
        </p>
      ) : null}
    </section>
  );
}

function HabilitationsTable({ habilitations, csrfToken }: { habilitations: HabilitationView[]; csrfToken: string }) {
  if (habilitations.length === 0) {
    return <p>Vous n’avez aucune habilitation. Pour en obtenir une, contactez le référent de la structure où vous travaillez.</p>;
  }
  return (
    <div class="table-scroll" role="region" aria-label="Tableau, défilement horizontal" tabIndex={0}>
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
              <td class={h.ending ? `end-date--${h.ending.level}` : undefined}>
                du {formatDate(h.startDate)} au {formatDate(h.endDate)}
                <br />
                {HABILITATION_STATUS_LABELS[h.status]}
                {h.ending ? (
                  <>
                    <br />
                    <strong>{h.ending.text}</strong> : pour la prolonger, contactez le référent de sa structure (<a href="/mes-referents">Mes référents</a>).
                  </>
                ) : null}
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
              <td>{formatDay(h.createdAt)}</td>
              <td>{h.deletedAt ? formatDay(h.deletedAt) : ''}</td>
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
    </div>
  );
}

function SessionsTable({ sessions, csrfToken }: { sessions: SessionView[]; csrfToken: string }) {
  return (
    <div class="table-scroll" role="region" aria-label="Tableau, défilement horizontal" tabIndex={0}>
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
    </div>
  );
}

function BrowsersTable({ browsers, csrfToken }: { browsers: BrowserView[]; csrfToken: string }) {
  if (browsers.length === 0) return <p>Aucun navigateur de confiance.</p>;
  return (
    <div class="table-scroll" role="region" aria-label="Tableau, défilement horizontal" tabIndex={0}>
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
    </div>
  );
}

