/** "Import des décisions" of a region administrator: registered applications bound to a region for the import API or to an ESMS for its statuses, and the CSV upload with its errors by line and field. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, ErrorSummary, Field, FieldFrame, summaryOf, type FieldErrors } from '../../views/components.js';
import { formatDateTime } from '../../platform/clock.js';
import type { ImportError } from './esms.schemas.js';
import type { ImportResult } from './esms-import.service.js';
import type { loadImportPage } from './esms-admin.service.js';

export interface ImportPageProps {
  viewer: Viewer;
  csrfToken: string;
  data: Awaited<ReturnType<typeof loadImportPage>>;
  bound?: string;
  applicationErrors?: FieldErrors;
  applicationValues?: { application: string; region: string };
  readBound?: { application: string; finess: string };
  readErrors?: FieldErrors;
  readValues?: { application: string; finess: string };
  readUnbound?: { application: string; finess: string };
  readUnbindError?: string;
  result?: ImportResult;
  importErrors?: ImportError[];
}

export function ImportPage(props: ImportPageProps) {
  const { data } = props;
  return (
    <Layout title="Import des décisions ESMS" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Import des décisions ESMS</h1>
      <p class="lead">
        Les décisions d’orientation de la MDPH arrivent par l’API <code>POST /api/v1/esms/decisions</code> (voir la documentation de l’import) ou
        par un fichier CSV déposé ici. Un envoi est accepté en entier ou refusé en entier.
      </p>
      <h2 id="csv">Déposer un fichier CSV</h2>
      {props.result ? (
        <Alert kind="success" title="Import terminé">
          {props.result.created} décision(s) créée(s), {props.result.updated} mise(s) à jour, {props.result.unchanged} inchangée(s) ; {props.result.mails} e-mail(s) envoyé(s).
        </Alert>
      ) : null}
      {props.importErrors && props.importErrors.length > 0 ? (
        <>
          <Alert kind="error" title="Le fichier contient des erreurs : rien n’a été importé.">
            <p>{props.importErrors.length} erreur(s), listées ci-dessous par ligne et par champ.</p>
          </Alert>
          <table>
            <caption>Erreurs du fichier</caption>
            <thead>
              <tr>
                <th scope="col">Ligne</th>
                <th scope="col">Champ</th>
                <th scope="col">Erreur</th>
              </tr>
            </thead>
            <tbody>
              {props.importErrors.slice(0, 500).map((e) => (
                <tr>
                  <td>{e.line || '—'}</td>
                  <td>{e.field}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <form method="post" action="/esms/import/csv" enctype="multipart/form-data" class="form">
        <CsrfField token={props.csrfToken} />
        <FieldFrame id="fichier" label="Fichier CSV (UTF-8, séparateur « ; »)" hint="5 Mo au plus">
          <input id="fichier" name="fichier" type="file" accept=".csv,text/csv" class="field__input" aria-describedby="fichier-hint" />
        </FieldFrame>
        <div class="form-actions">
          <button type="submit" class="button">Importer</button>
        </div>
      </form>
      <h2 id="applications">Applications enregistrées (OAuth client credentials)</h2>
      <p>
        Une application enregistrée par l’administration des applications, avec la portée <code>esms.import</code>, importe par un jeton
        d’accès dans la seule région à laquelle vous la rattachez ici.
      </p>
      {props.bound ? (
        <Alert kind="success" title="Application rattachée">
          <p>
            <code>{props.bound}</code> importe désormais dans cette région.
          </p>
        </Alert>
      ) : null}
      {data.applications.length === 0 ? (
        <p>Aucune application rattachée.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Applications rattachées à une région</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Identifiant</th>
              <th scope="col">Région</th>
              <th scope="col">Rattachée le</th>
            </tr>
          </thead>
          <tbody>
            {data.applications.map((a) => (
              <tr>
                <td>{a.name}</td>
                <td>
                  <code>{a.client_id}</code>
                </td>
                <td>{a.region_code}</td>
                <td>{formatDateTime(a.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.applicationErrors && Object.keys(props.applicationErrors).length > 0 ? <ErrorSummary errors={summaryOf(props.applicationErrors)} /> : null}
      <form method="post" action="/esms/import/applications" class="form">
        <CsrfField token={props.csrfToken} />
        <Field id="application" label="Identifiant de l’application (client_id)" value={props.applicationValues?.application ?? ''} error={props.applicationErrors?.application} maxLength={63} required />
        <FieldFrame id="application-region" label="Région d’import" error={props.applicationErrors?.['application-region']}>
          <select id="application-region" name="application-region" class="field__input">
            {data.regions.map((r) => (
              <option value={r} selected={props.applicationValues?.region === r}>{r}</option>
            ))}
          </select>
        </FieldFrame>
        <div class="form-actions">
          <button type="submit" class="button">Rattacher l’application</button>
        </div>
      </form>
      <h2 id="applications-statuts">Applications lisant les statuts d’un ESMS (flux F5)</h2>
      <p>
        Une application enregistrée avec la portée <code>esms.read</code> lit par un jeton d’accès, sur <code>GET /api/v1/esms/applications/statuts</code>,
        les statuts des notifications des seuls établissements de votre région auxquels vous la rattachez ici : le palier 1 (identifiants, statuts, dates), jamais de nom ni de donnée
        d’évaluation ou médicale. Chaque lecture est tracée.
      </p>
      {props.readBound ? (
        <Alert kind="success" title="Application rattachée">
          <p>
            <code>{props.readBound.application}</code> lit désormais les statuts de l’établissement {props.readBound.finess}.
          </p>
        </Alert>
      ) : null}
      {props.readUnbound ? (
        <Alert kind="success" title="Rattachement retiré">
          <p>
            <code>{props.readUnbound.application}</code> ne lit plus les statuts de l’établissement {props.readUnbound.finess}.
          </p>
        </Alert>
      ) : null}
      {props.readUnbindError ? (
        <Alert kind="error" title="Rattachement non retiré">
          <p>{props.readUnbindError}</p>
        </Alert>
      ) : null}
      {data.readApplications.length === 0 ? (
        <p>Aucune application ne lit les statuts d’un établissement de votre région.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Applications rattachées à un établissement pour la lecture des statuts</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Identifiant</th>
              <th scope="col">Établissement</th>
              <th scope="col">Région</th>
              <th scope="col">Rattachée le</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {data.readApplications.map((a) => (
              <tr>
                <td>{a.name}</td>
                <td>
                  <code>{a.client_id}</code>
                </td>
                <td>
                  {a.establishment_name} ({a.finess})
                </td>
                <td>{a.region_code}</td>
                <td>{formatDateTime(a.created_at)}</td>
                <td>
                  <form method="post" action="/esms/import/applications-statuts/retirer">
                    <CsrfField token={props.csrfToken} />
                    <input type="hidden" name="rattachement" value={String(a.id)} />
                    <button type="submit" class="button button--secondary" aria-label={`Retirer le rattachement de ${a.client_id} à ${a.finess}`}>
                      Retirer
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.readErrors && Object.keys(props.readErrors).length > 0 ? <ErrorSummary errors={summaryOf(props.readErrors)} /> : null}
      <form method="post" action="/esms/import/applications-statuts" class="form">
        <CsrfField token={props.csrfToken} />
        <Field id="read-application" label="Identifiant de l’application qui lit les statuts (client_id)" value={props.readValues?.application ?? ''} error={props.readErrors?.['read-application']} maxLength={63} required />
        <Field id="read-finess" label="Numéro FINESS de l’établissement" value={props.readValues?.finess ?? ''} error={props.readErrors?.['read-finess']} maxLength={9} required />
        <div class="form-actions">
          <button type="submit" class="button">Autoriser la lecture des statuts</button>
        </div>
      </form>
    </Layout>
  );
}
