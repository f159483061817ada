/** The administrators' page of the ROR synchronisation runs (R50): counts, refused resources, French reasons of failures. */
import { Alert, CsrfField } from '../../views/components.js';
import { dateTime } from '../../views/format.js';
import { Layout, type Viewer } from '../../views/layout.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

type RunCounts = { created: number; updated: number; closed: number; unchanged: number };
const KIND_LABELS: [string, string][] = [
  ['organizations', 'Organisations'],
  ['locations', 'Lieux'],
  ['services', 'Services'],
];

/** A run's counts per kind of ROR resource (runs before the services migration have none). */
function CountsByKind({ counts }: { counts: Record<string, RunCounts> }) {
  const kinds = KIND_LABELS.filter(([key]) => counts[key]);
  if (kinds.length === 0) return <>–</>;
  return (
    <ul>
      {kinds.map(([key, label]) => {
        const c = counts[key]!;
        return (
          <li>
            {label} : {c.created} créé(s), {c.updated} mis à jour, {c.closed} fermé(s), {c.unchanged} inchangé(s)
          </li>
        );
      })}
    </ul>
  );
}

export function SyncPage(
  props: Frame & {
    runs: (RunCounts & { id: number; kind: string; started_at: Date; finished_at: Date | null; status: string; counts_by_kind: Record<string, RunCounts>; error_count: number; errors: { resourceId: string; message: string }[]; message: string | null })[];
    configured: boolean;
    notice?: string | undefined;
    error?: string | undefined;
  },
) {
  const STATUS: Record<string, string> = { running: 'En cours', succeeded: 'Réussie', partial: 'Réussie avec des erreurs', failed: 'Échouée' };
  return (
    <Layout title="Synchronisation avec le ROR" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Synchronisation avec le ROR</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      {props.configured ? (
        <form method="post" action="/annuaire/synchronisation" class="form">
          <CsrfField token={props.csrfToken} />
          <button type="submit" class="button">
            Synchroniser maintenant
          </button>
        </form>
      ) : (
        <p>La synchronisation n’est pas configurée (ROR_BASE_URL absent).</p>
      )}
      {props.runs.length === 0 ? (
        <p>Aucune synchronisation pour l’instant.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>Dernières synchronisations</caption>
            <thead>
              <tr>
                <th scope="col">Début</th>
                <th scope="col">Fin</th>
                <th scope="col">Type</th>
                <th scope="col">Statut</th>
                <th scope="col">Créés</th>
                <th scope="col">Mis à jour</th>
                <th scope="col">Fermés</th>
                <th scope="col">Inchangés</th>
                <th scope="col">Par ressource</th>
                <th scope="col">Erreurs</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr>
                  <td>{dateTime(r.started_at)}</td>
                  <td>{r.finished_at ? dateTime(r.finished_at) : '–'}</td>
                  <td>{r.kind === 'full' ? 'Complète' : 'Différentielle'}</td>
                  <td>
                    {STATUS[r.status] ?? r.status}
                    {r.message ? <span class="muted"> – {r.message}</span> : null}
                  </td>
                  <td>{r.created}</td>
                  <td>{r.updated}</td>
                  <td>{r.closed}</td>
                  <td>{r.unchanged}</td>
                  <td>
                    <CountsByKind counts={r.counts_by_kind} />
                  </td>
                  <td>
                    {r.error_count}
                    {r.errors.length > 0 ? (
                      <ul>
                        {r.errors.slice(0, 10).map((err) => (
                          <li>
                            {err.resourceId} : {err.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
