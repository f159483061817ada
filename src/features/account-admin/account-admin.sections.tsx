/**
 * The sections of a referent's account page (R03, R22–R24, R30–R38), one component each: state and
 * its actions, habilitations with their prolongations, identity, history; and the widgets they share
 * with the search and creation pages. Pure functions of props.
 */
import { CsrfField, describedBy, Field, FieldFrame, HistoryTable, type FieldErrors, type HistoryLine } from '../../views/components.js';
import { addToDate, formatDate, formatDateTime } from '../../platform/clock.js';
import { RIGHTS, isRight } from '../habilitations/habilitation.rights.js';
import { endDateBounds, prolongationShortcuts } from '../habilitations/habilitation-change.rules.js';
import { ProlongationButtons } from '../habilitations/habilitation-change.pages.js';
import { PROFESSIONS } from '../accounts/account.schemas.js';
import type { HabilitationRow } from './account-admin.repository.js';

/** The account as its page shows it. */
export interface AdministeredAccount {
  id: number;
  username: string;
  last_name: string;
  first_name: string;
  email: string;
  email_verified_at: Date | null;
  phone: string | null;
  mobile_phone: string | null;
  mobile_verified_at?: Date | null;
  profession: string | null;
  blocked_at: Date | null;
  deactivated_at: Date | null;
  created_at: Date;
  creator_first_name: string | null;
  creator_last_name: string | null;
  creator_username: string | null;
}

export function StateBadges({ blocked, deactivated }: { blocked: boolean; deactivated: boolean }) {
  if (!blocked && !deactivated) return <span class="badge badge--ok">Actif</span>;
  return (
    <>
      {blocked ? <span class="badge badge--danger">Bloqué</span> : null}
      {deactivated ? <span class="badge badge--muted">Désactivé</span> : null}
    </>
  );
}

export interface IdentityValues {
  lastName?: string;
  firstName?: string;
  email?: string;
  phone?: string | null;
  mobilePhone?: string | null;
  profession?: string | null;
}

/**
 * The identity fields. `mobileStatus` (an existing account seen by a referent): the number itself is
 * its owner's only — the referent reads "renseigné, vérifié" and may type a new one or remove it.
 */
export function IdentityFields({ values, errors, mobileStatus }: { values: IdentityValues; errors: FieldErrors; mobileStatus?: string }) {
  return (
    <>
      <Field id="lastName" label="Nom" value={values.lastName ?? ''} error={errors.lastName} required autocomplete="off" maxLength={100} />
      <Field id="firstName" label="Prénom" value={values.firstName ?? ''} error={errors.firstName} required autocomplete="off" maxLength={100} />
      <Field id="email" label="Adresse e-mail professionnelle" type="email" value={values.email ?? ''} error={errors.email} required autocomplete="off" maxLength={254} hint="L’adresse professionnelle de cette seule personne, pas celle d’un secrétariat ou d’un service : un compte = un professionnel = une adresse." />
      <Field id="phone" label="Téléphone (facultatif)" type="tel" value={values.phone ?? ''} error={errors.phone} autocomplete="off" maxLength={30} />
      {mobileStatus === undefined ? (
        <Field id="mobilePhone" label="Téléphone mobile (facultatif)" type="tel" value={values.mobilePhone ?? ''} error={errors.mobilePhone} autocomplete="off" maxLength={30} />
      ) : (
        <>
          <Field
            id="mobilePhone"
            label="Nouveau téléphone mobile (facultatif)"
            type="tel"
            value={values.mobilePhone ?? ''}
            error={errors.mobilePhone}
            autocomplete="off"
            maxLength={30}
            hint={`Téléphone mobile actuel : ${mobileStatus}. Laissez vide pour le garder ; un nouveau numéro devra être vérifié par la personne, et ses codes de connexion partiront par e-mail d’ici là.`}
          />
          {mobileStatus.startsWith('renseigné') ? (
            <div class="checkbox">
              <input type="checkbox" id="removeMobile" name="removeMobile" value="1" />
              <label for="removeMobile">Retirer le téléphone mobile</label>
            </div>
          ) : null}
        </>
      )}
      <FieldFrame id="profession" label="Profession" error={errors.profession}>
        <select id="profession" name="profession" class="field__input" aria-invalid={errors.profession ? 'true' : undefined} aria-describedby={describedBy('profession', undefined, errors.profession)}>
          <option value="">— Choisir —</option>
          {PROFESSIONS.map((p) => (
            <option value={p} selected={values.profession === p}>
              {p}
            </option>
          ))}
        </select>
      </FieldFrame>
    </>
  );
}

export function placeLabel(h: HabilitationRow): string {
  if (h.unit_name) return `${h.establishment_name} – ${h.unit_name}`;
  if (h.establishment_name) return h.establishment_name;
  if (h.department_code) return `Coordination ${h.department_code} – ${h.department_name}`;
  return `Région ${h.region_name}`;
}

/** R37: end within 15 days red, within 1 month orange — with words, not colour alone. */
export function endDateNotice(endDate: string, today: string): { className: string; text: string } | null {
  if (endDate < today) return { className: 'end--past', text: 'expirée' };
  const days = Math.round((Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (endDate <= addToDate(today, { days: 15 })) return { className: 'end--soon', text: days === 0 ? 'expire ce soir' : `expire dans ${days} jour${days > 1 ? 's' : ''}` };
  if (endDate <= addToDate(today, { months: 1 })) return { className: 'end--near', text: `expire dans ${days} jours` };
  return null;
}

export function RightsList({ rights }: { rights: string[] }) {
  return (
    <details class="rights">
      <summary>Droits</summary>
      <ul>
        {rights.filter(isRight).map((r) => (
          <li>{RIGHTS[r]}</li>
        ))}
      </ul>
    </details>
  );
}


export function AccountStateSection({ account: a, isSelf, csrfToken }: { account: AdministeredAccount; isSelf: boolean; csrfToken: string }) {
  const base = `/administration/comptes/${a.id}`;
  return (
    <>
      <h2>État du compte</h2>
      <p>
        <StateBadges blocked={a.blocked_at !== null} deactivated={a.deactivated_at !== null} />
        {a.blocked_at ? ` Bloqué le ${formatDateTime(a.blocked_at)}.` : null}
        {a.deactivated_at ? ` Désactivé le ${formatDateTime(a.deactivated_at)}.` : null}
      </p>
      {isSelf ? (
        <p>C’est votre compte : modifiez-le dans « Mon compte ».</p>
      ) : (
        <div class="form-actions">
          {a.blocked_at ? (
            <a href={`${base}/debloquer`} class="button">
              <span aria-hidden="true">🔓 </span>Débloquer le compte
            </a>
          ) : (
            // R27: blocking and deactivating go through a confirmation naming the person and the consequence.
            <a href={`${base}/bloquer`} class="button button--secondary">
              Bloquer le compte
            </a>
          )}
          {a.deactivated_at ? (
            <form method="post" action={`${base}/reactiver`} class="inline-form">
              <CsrfField token={csrfToken} />
              <button type="submit" class="button button--secondary">
                Réactiver le compte
              </button>
            </form>
          ) : (
            <a href={`${base}/desactiver`} class="button button--secondary">
              Désactiver le compte
            </a>
          )}
        </div>
      )}
    </>
  );
}

export function AccountHabilitationsSection(props: {
  account: AdministeredAccount;
  habilitations: HabilitationRow[];
  today: string;
  isSelf: boolean;
  csrfToken: string;
  /** A refused end date, shown at its field. */
  endError?: { habilitationId: number; message: string } | undefined;
}) {
  const a = props.account;
  const base = `/administration/comptes/${a.id}`;
  return (
    <>
      <h2>Habilitations</h2>
      {props.isSelf ? null : (
        <p>
          <a href={`/administration/habilitations/attribuer?comptes=${a.id}`} class="button">
            Ajouter une habilitation
          </a>
        </p>
      )}
      {props.habilitations.length === 0 ? (
        <p>Aucune habilitation.</p>
      ) : (
        <div class="table-scroll" role="region" aria-label="Habilitations du compte, défilement horizontal" tabIndex={0}>
        <table>
          <caption class="visually-hidden">Habilitations de {a.first_name} {a.last_name}</caption>
          <thead>
            <tr>
              <th scope="col">Profil</th>
              <th scope="col">Lieu</th>
              <th scope="col">Début</th>
              <th scope="col">Fin</th>
              <th scope="col">Mails</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.habilitations.map((h) => {
              const notice = h.deleted_at ? null : endDateNotice(h.end_date, props.today);
              const bounds = endDateBounds(h.start_date, props.today);
              const editable = !h.deleted_at && !props.isSelf;
              return (
                <tr id={`habilitation-${h.id}`} class={h.deleted_at ? 'row--deleted' : undefined}>
                  <td>
                    {h.profile_name}
                    <RightsList rights={h.rights} />
                  </td>
                  <td>{placeLabel(h)}</td>
                  <td>{formatDate(h.start_date)}</td>
                  <td class={notice?.className}>
                    {formatDate(h.end_date)}
                    {notice ? <span class="end-notice"> ({notice.text})</span> : null}
                    {h.deleted_at ? (
                      <p class="muted">
                        Supprimée le {formatDateTime(h.deleted_at)}
                        {h.deleted_by ? ` par ${h.deleted_by}` : ''}
                      </p>
                    ) : null}
                  </td>
                  <td>{h.email_notifications ? 'Oui' : 'Non'}</td>
                  <td>
                    {editable ? (
                      <div class="row-actions">
                        <ProlongationButtons
                          shortcuts={prolongationShortcuts(h.start_date, h.end_date, props.today)}
                          action={`${base}/habilitations/${h.id}/fin`}
                          field="fin"
                          what={h.profile_name}
                          csrfToken={props.csrfToken}
                        />
                        <form method="post" action={`${base}/habilitations/${h.id}/fin`} class="inline-form date-form">
                          <CsrfField token={props.csrfToken} />
                          <label for={`fin-${h.id}`} class="visually-hidden">
                            Nouvelle date de fin de {h.profile_name}
                          </label>
                          {props.endError?.habilitationId === h.id ? (
                            <p id={`fin-${h.id}-error`} class="field__error">
                              <span class="visually-hidden">Erreur : </span>
                              {props.endError.message}
                            </p>
                          ) : null}
                          <input
                            type="date"
                            id={`fin-${h.id}`}
                            name="fin"
                            value={h.end_date}
                            min={bounds.min}
                            max={bounds.max}
                            class="field__input field__input--date"
                            aria-invalid={props.endError?.habilitationId === h.id ? 'true' : undefined}
                            aria-describedby={props.endError?.habilitationId === h.id ? `fin-${h.id}-error` : undefined}
                          />
                          <button type="submit" class="button button--small button--secondary">
                            Changer la fin (prolonger ou raccourcir)
                          </button>
                        </form>
                        <a href={`${base}/habilitations/${h.id}/supprimer`} class="delete-link" aria-label={`Supprimer l’habilitation ${h.profile_name} – ${placeLabel(h)}`}>
                          <span aria-hidden="true">✕</span> Supprimer
                        </a>
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      )}
    </>
  );
}

export function AccountIdentitySection(props: { account: AdministeredAccount; isSelf: boolean; values?: IdentityValues | undefined; errors: FieldErrors; csrfToken: string }) {
  const a = props.account;
  const base = `/administration/comptes/${a.id}`;
  return (
    <>
      <h2>Identité</h2>
      <dl class="identity">
        <dt>Nom d’utilisateur</dt>
        <dd>{a.username}</dd>
        <dt>Créé le</dt>
        <dd>
          {formatDateTime(a.created_at)}
          {a.creator_username ? ` par ${a.creator_first_name} ${a.creator_last_name?.toUpperCase()} (${a.creator_username})` : ' par le système'}
        </dd>
        <dt>Adresse e-mail validée</dt>
        <dd>{a.email_verified_at ? 'Oui' : 'Non (le compte n’est pas encore activé)'}</dd>
      </dl>
      {props.isSelf ? null : (
        <form method="post" action={`${base}/identite`} class="form" novalidate>
          <CsrfField token={props.csrfToken} />
          <IdentityFields
            values={props.values ?? { lastName: a.last_name, firstName: a.first_name, email: a.email, phone: a.phone, mobilePhone: '', profession: a.profession }}
            errors={props.errors}
            mobileStatus={a.mobile_phone ? (a.mobile_verified_at ? 'renseigné, vérifié' : 'renseigné, pas encore vérifié') : 'non renseigné'}
          />
          <div class="form-actions">
            <button type="submit" class="button">
              Enregistrer l’identité
            </button>
          </div>
        </form>
      )}
    </>
  );
}

export function AccountHistorySection({ history }: { history: HistoryLine[] }) {
  return (
    <>
      <h2>Historique du compte</h2>
      <HistoryTable lines={history} caption="Historique, du plus récent au plus ancien" />
    </>
  );
}
