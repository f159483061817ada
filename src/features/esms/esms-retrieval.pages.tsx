/** R63 pages: the three identifiers, then the choice of the decision and of the ESMS that takes it. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, ErrorSummary, Field, FieldFrame, summaryOf, type FieldErrors } from '../../views/components.js';
import { formatDate } from '../../platform/clock.js';
import type { searchForRetrieval } from './esms-retrieval.service.js';

type Found = Awaited<ReturnType<typeof searchForRetrieval>>;

export function RetrievalPage(props: { viewer: Viewer; csrfToken: string; values?: { mdph: string; numero: string; naissance: string }; errors?: FieldErrors; message?: string; found?: Found }) {
  const v = props.values ?? { mdph: '', numero: '', naissance: '' };
  const errors = props.errors ?? {};
  return (
    <Layout title="Récupérer une notification" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Récupérer une notification</h1>
      <p class="lead">
        Une personne vous présente une notification de la MDPH qui n’apparaît pas dans votre tableau de bord ? Saisissez les trois informations
        de la notification papier : elles doivent toutes correspondre.
      </p>
      {Object.keys(errors).length > 0 ? <ErrorSummary errors={summaryOf(errors)} /> : props.message ? <Alert kind="warning">{props.message}</Alert> : null}
      <form method="post" action="/esms/recuperer" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field id="mdph" label="MDPH (département)" hint="Ex. 34, 2A, 974" value={v.mdph} error={errors.mdph} maxLength={3} required />
        <Field id="numero" label="Numéro individuel MDPH" value={v.numero} error={errors.numero} maxLength={20} required />
        <Field id="naissance" label="Date de naissance" type="date" value={v.naissance} error={errors.naissance} required />
        <div class="form-actions">
          <button type="submit" class="button">Rechercher</button>
        </div>
      </form>
      {props.found ? (
        <section aria-labelledby="choix">
          <h2 id="choix">Choisir la décision et l’établissement</h2>
          <form method="post" action="/esms/recuperer/prendre" class="form">
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="mdph" value={props.found.identity.mdph} />
            <input type="hidden" name="numero" value={props.found.identity.number} />
            <input type="hidden" name="naissance" value={props.found.identity.birthDate} />
            <fieldset class="fieldset">
              <legend>Décision correspondant à la notification papier</legend>
              {props.found.decisions.map((d, i) => (
                <div class="checkbox">
                  <input type="radio" id={`decision-${d.id}`} name="decision" value={String(d.id)} checked={i === 0} />
                  <label for={`decision-${d.id}`}>
                    Décision {d.mdphDecisionId} du {formatDate(d.decisionDate)} – {d.categoryLabel} – valable jusqu’au {formatDate(d.endDate)}
                  </label>
                </div>
              ))}
            </fieldset>
            <FieldFrame id="etablissement" label="Établissement qui prend en charge la notification">
              <select id="etablissement" name="etablissement" class="field__input">
                {props.found.scopes.map((s) => (
                  <option value={String(s.establishmentId)}>{s.name}</option>
                ))}
              </select>
            </FieldFrame>
            <div class="form-actions">
              <button type="submit" class="button">Récupérer la notification</button>
            </div>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
