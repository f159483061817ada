/** "Mes référents" (R42): for each of my habilitations, the referents of its establishment and unit. Pure function of props. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert } from '../../views/components.js';
import { formatDate } from '../../platform/clock.js';
import type { ReferentGroup, ReferentView } from './self-referents.service.js';

interface PageFrame {
  csrfToken: string;
  viewer: Viewer;
}

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
