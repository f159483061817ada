/** R25 pages: the banner a structure's pages show, and the list of structures with fewer than 2 referents. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert } from '../../views/components.js';
import type { UnderstaffedEstablishment } from './referent-coverage.repository.js';
import { Pager } from './pager.js';

/**
 * R25: shown on a structure's pages when it has fewer than `minimum` active structure referents.
 * Renders nothing otherwise, so a page can always include it.
 */
export function FewReferentsBanner(props: { structureName: string; referents: number; minimum?: number }) {
  const minimum = props.minimum ?? 2;
  if (props.referents >= minimum) return null;
  const count = props.referents === 0 ? 'aucun référent structure actif' : props.referents === 1 ? 'un seul référent structure actif' : `${props.referents} référents structure actifs`;
  return (
    <Alert kind="warning" title="Moins de 2 référents">
      <p>
        {props.structureName} n’a {count}. Chaque structure doit avoir au moins {minimum} référents pour assurer la continuité pendant les
        absences : attribuez le profil « Référent structure » à un autre professionnel de la structure.
      </p>
    </Alert>
  );
}

export interface FewReferentsPageProps {
  viewer: Viewer;
  csrfToken: string;
  rows: UnderstaffedEstablishment[];
  total: number;
  page: number;
  pages: number;
  minimum: number;
}

export function StructuresWithFewReferentsPage(props: FewReferentsPageProps) {
  return (
    <Layout title="Structures avec moins de 2 référents" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Structures avec moins de 2 référents</h1>
      <p class="lead">
        Chaque structure doit avoir au moins {props.minimum} référents structure actifs, pour assurer la continuité pendant les absences. Voici
        les structures de votre territoire qui en ont moins.
      </p>
      {props.total === 0 ? (
        <Alert kind="success">Toutes les structures de votre territoire ont au moins {props.minimum} référents structure actifs.</Alert>
      ) : (
        <>
          <p>
            {props.total === 1 ? '1 structure' : `${props.total.toLocaleString('fr-FR')} structures`} – page {props.page} sur {props.pages}
          </p>
          <table>
            <caption class="visually-hidden">Structures avec moins de {props.minimum} référents structure actifs</caption>
            <thead>
              <tr>
                <th scope="col">Structure</th>
                <th scope="col">FINESS</th>
                <th scope="col">Coordination</th>
                <th scope="col">Référents actifs</th>
                <th scope="col">Revue</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  <th scope="row">{row.name}</th>
                  <td>{row.finess}</td>
                  <td>
                    {row.department_code} – {row.department_name}
                  </td>
                  <td>{row.referents}</td>
                  <td>
                    <a href={`/administration/revue?coordination=${encodeURIComponent(row.department_code)}&structure=${row.id}`}>
                      Revue<span class="visually-hidden"> des habilitations de {row.name}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={props.page} pages={props.pages} href={(page) => `/administration/structures-sans-referents${page > 1 ? `?page=${page}` : ''}`} />
        </>
      )}
    </Layout>
  );
}
