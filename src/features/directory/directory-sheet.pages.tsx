/** The descriptive sheet of an establishment (R52): identity, contacts, closures, units, services, places, documents, photographs. */
import { FewReferentsBanner } from '../habilitations/referent-coverage.pages.js';
import type { ComponentChildren } from 'preact';
import { Alert } from '../../views/components.js';
import { Layout, type Viewer } from '../../views/layout.js';
import { dateTime, day, fileSize } from '../../views/format.js';
import { DataTable, SummaryRow } from '../../views/tables.js';
import { serviceLabels, type ServiceFields } from './directory-search.pages.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

export function RorMarker({ synced, lastSync }: { synced: boolean; lastSync: Date | null }) {
  if (!synced) return <span class="badge badge--muted">Non synchronisé – fiche modifiable par son référent</span>;
  return (
    <span class="badge badge--ok ror-marker">
      Synchronisé ROR{lastSync ? ` – dernière synchronisation le ${dateTime(lastSync)}` : ''}
    </span>
  );
}

/**
 * "Fermé" (or "Fermée"), temporarily until a date when the ROR says so (R50): a closure by date and
 * type reads like active=false, a temporary one says when it ends.
 */
export function ClosureBadge(props: { state: { closed_at: Date | null; closure_type: 'definitive' | 'temporary' | null; reopens_on?: string | null }; since?: boolean; feminine?: boolean }) {
  const { closed_at: closedAt, closure_type: type, reopens_on: reopensOn } = props.state;
  if (!closedAt) return null;
  const text = [
    props.feminine ? 'Fermée' : 'Fermé',
    type === 'temporary' ? ' temporairement' : '',
    props.since ? ` depuis le ${dateTime(closedAt)}` : '',
    type === 'temporary' && reopensOn ? `, jusqu’au ${day(reopensOn)}` : '',
  ].join('');
  return <span class="badge badge--danger">{text}</span>;
}

export interface SheetData {
  /** R25: active structure referents today; the structure's referents see a banner under 2. */
  referents?: number;
  establishment: {
    id: number;
    finess: string;
    name: string;
    category: string;
    domain_name: string | null;
    department_code: string;
    department_name: string;
    address: string | null;
    postcode: string | null;
    city: string | null;
    phone: string | null;
    email: string | null;
    /** Secure health messaging address: shown as MSSanté, never as the e-mail. */
    mssante: string | null;
    phone_from_ror: boolean;
    email_from_ror: boolean;
    ror_synced: boolean;
    ror_synced_at: Date | null;
    description: string | null;
    access_itinerary: string | null;
    closed_at: Date | null;
    closes_on: string | null;
    closure_type: 'definitive' | 'temporary' | null;
    reopens_on: string | null;
    legal_entity_name: string | null;
    legal_entity_finess: string | null;
  };
  units: { id: number; name: string; internal_code: string | null; ror_id: string | null; parent_unit_id: number | null; unit_type: string | null; closed_at: Date | null; closure_type: 'definitive' | 'temporary' | null; reopens_on: string | null }[];
  services: (ServiceFields & {
    location_name: string | null;
    location_address: string | null;
    location_postcode: string | null;
    location_city: string | null;
  })[];
  locations: { id: number; name: string | null; address: string | null; postcode: string | null; city: string | null; latitude: number | null; longitude: number | null; closed_at: Date | null; closure_type: 'definitive' | 'temporary' | null }[];
  photos: { id: number; width: number; height: number; alt_text: string }[];
  documents: { id: number; title: string; filename: string; byte_size: number; created_at: Date }[];
  lastSync: Date | null;
  canEdit: boolean;
}

const placeText = (p: { address: string | null; postcode: string | null; city: string | null }) => [p.address, [p.postcode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
const coordinate = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 4, maximumFractionDigits: 6 });

/** The documents of a sheet (R51): a download link each, with its size and date. */
export function DocumentList({ documents, remove }: { documents: SheetData['documents']; remove?: (d: SheetData['documents'][number], index: number) => ComponentChildren }) {
  if (documents.length === 0) return <p>Aucun document.</p>;
  return (
    <ul>
      {documents.map((d, index) => (
        <li>
          <a href={`/annuaire/documents/${d.id}`} type="application/pdf">
            {d.title}
          </a>{' '}
          <span class="muted">
            (PDF, {fileSize(d.byte_size)}, ajouté le {dateTime(d.created_at)})
          </span>
          {remove ? remove(d, index) : null}
        </li>
      ))}
    </ul>
  );
}

const NOTICES: Record<string, string> = {
  fiche: 'La fiche est enregistrée.',
  photo: 'La photographie est ajoutée.',
  'photo-retiree': 'La photographie est retirée.',
  document: 'Le document est ajouté.',
  'document-retire': 'Le document est retiré.',
};

export function SheetPage(props: Frame & SheetData & { notice?: string | undefined }) {
  const e = props.establishment;
  return (
    <Layout title={e.name} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href="/annuaire/etablissements">Retour à la recherche</a>
      </p>
      <h1>{e.name}</h1>
      {props.notice && NOTICES[props.notice] ? <Alert kind="success">{NOTICES[props.notice]}</Alert> : null}
      <p>
        <RorMarker synced={e.ror_synced} lastSync={props.lastSync ?? e.ror_synced_at} />
        <ClosureBadge state={e} since />
      </p>
      {props.canEdit && props.referents !== undefined ? <FewReferentsBanner structureName={e.name} referents={props.referents} /> : null}
      {props.canEdit ? (
        <p>
          <a href={`/annuaire/etablissements/${e.id}/modifier`} class="button button--secondary">
            Modifier la fiche
          </a>
        </p>
      ) : null}
      <h2>Identité</h2>
      <dl class="summary-list">
        <SummaryRow label="Numéro FINESS">{e.finess}</SummaryRow>
        <SummaryRow label="Catégorie">{e.category}</SummaryRow>
        <SummaryRow label="Domaine">{e.domain_name ?? 'Non renseigné'}</SummaryRow>
        <SummaryRow label="Entité juridique">{e.legal_entity_name ? `${e.legal_entity_name}${e.legal_entity_finess ? ` (FINESS ${e.legal_entity_finess})` : ''}` : 'Non renseignée'}</SummaryRow>
        <SummaryRow label="Département">
          {e.department_code} – {e.department_name}
        </SummaryRow>
      </dl>
      <h2>Adresse et contact</h2>
      <dl class="summary-list">
        <SummaryRow label="Adresse">{[e.address, [e.postcode, e.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || 'Non renseignée'}</SummaryRow>
        <SummaryRow label="Téléphone">{e.phone ?? 'Non renseigné'}</SummaryRow>
        <SummaryRow label="Adresse e-mail">{e.email ?? 'Non renseignée'}</SummaryRow>
        <SummaryRow label="Messagerie sécurisée de santé (MSSanté)">{e.mssante ?? 'Non renseignée'}</SummaryRow>
      </dl>
      {e.closes_on && !e.closed_at ? (
        <p>
          Fermeture {e.closure_type === 'temporary' ? 'temporaire' : 'définitive'} annoncée par le ROR à partir du {day(e.closes_on)}
          {e.reopens_on ? `, réouverture prévue le ${day(e.reopens_on)}` : ''}.
        </p>
      ) : null}
      <h2>Description</h2>
      <p class="prewrap">{e.description ?? 'Aucune description.'}</p>
      <h2>Itinéraire d’accès</h2>
      <p class="prewrap">{e.access_itinerary ?? 'Aucun itinéraire renseigné.'}</p>
      <h2>Unités</h2>
      {props.units.length === 0 ? (
        <p>Aucune unité.</p>
      ) : (
        <DataTable caption="Unités de l’établissement" hiddenCaption headers={['Unité', 'Type', 'Rattachée à', 'Code interne', 'État']}>
          {props.units.map((u) => (
            <tr>
              <td>{u.name}</td>
              <td>{u.unit_type ?? '–'}</td>
              <td>{props.units.find((parent) => parent.id === u.parent_unit_id)?.name ?? 'L’établissement'}</td>
              <td>{u.internal_code ?? '–'}</td>
              <td>{u.closed_at ? <ClosureBadge state={u} feminine /> : 'Ouverte'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Services</h2>
      {props.services.length === 0 ? (
        <p>Aucun service renseigné.</p>
      ) : (
        <DataTable caption="Services de l’établissement" hiddenCaption headers={['Service', 'Catégorie, type, spécialité', 'Unité', 'Lieu', 'État']}>
          {props.services.map((s) => (
            <tr>
              <td>{s.name}</td>
              <td>{serviceLabels(s)}</td>
              <td>{s.unit_name ?? '–'}</td>
              <td>{[s.location_name, placeText({ address: s.location_address, postcode: s.location_postcode, city: s.location_city })].filter(Boolean).join(' – ') || '–'}</td>
              <td>{s.closed_at ? <span class="badge badge--danger">Fermé</span> : 'Ouvert'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {props.locations.length > 0 ? (
        <>
          <h2>Lieux</h2>
          <ul>
            {props.locations.map((l) => (
              <li>
                {[l.name, placeText(l)].filter(Boolean).join(' – ')}
                {l.latitude !== null && l.longitude !== null ? (
                  <span class="muted">
                    {' '}
                    (latitude {coordinate.format(l.latitude)}, longitude {coordinate.format(l.longitude)})
                  </span>
                ) : null}
                {l.closed_at ? <ClosureBadge state={l} /> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Documents</h2>
      <DocumentList documents={props.documents} />
      <h2>Photographies</h2>
      {props.photos.length === 0 ? (
        <p>Aucune photographie.</p>
      ) : (
        <ul class="photo-list">
          {props.photos.map((p, index) => (
            <li>
              <a href={`/annuaire/photos/${p.id}`}>
                <img src={`/annuaire/photos/${p.id}/miniature`} alt={p.alt_text || `Photographie ${index + 1} de ${e.name}`} width={320} />
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

