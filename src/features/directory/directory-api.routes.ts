/**
 * The directory's JSON API for registered applications (R52): the routes are declared
 * `{ scope: 'directory.read' }`, so the guard has already checked the OAuth access token (client
 * credentials) with the identity provider's authenticateServiceClient. The search is the page's
 * (service.searchEstablishments), the sheet the page's (service.readSheet), presented as JSON with
 * what the sheet shows every signed-in professional (directory.schemas.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { parseStrictId } from '../../platform/input.js';
import { directoryErrors } from './directory.errors.js';
import { API_PAGE_MAX, parseSearchQuery, type EstablishmentJson, type EstablishmentSummary } from './directory.schemas.js';
import * as service from './directory.service.js';

export const API_SEARCH_PATH = '/api/v1/annuaire/etablissements';

type Sheet = Awaited<ReturnType<typeof service.readSheet>>;
type SearchRow = Awaited<ReturnType<typeof service.searchEstablishments>>['rows'][number];

const isoDate = (value: Date | null) => (value ? value.toISOString() : null);
const closure = (e: { closed_at: Date | null; closure_type: 'definitive' | 'temporary' | null; reopens_on: string | null }) => ({
  closed: e.closed_at !== null,
  closedAt: isoDate(e.closed_at),
  closureType: e.closure_type,
  reopensOn: e.reopens_on,
});
const joined = (parts: (string | null)[], separator: string) => parts.filter((part) => part !== null && part !== '').join(separator);

export function summaryJson(row: SearchRow, baseUrl: URL): EstablishmentSummary {
  return {
    id: row.id,
    rorId: row.ror_id,
    finess: row.finess,
    name: row.name,
    category: row.category,
    domain: row.domain_code,
    departmentCode: row.department_code,
    postcode: row.postcode,
    city: row.city,
    rorSynced: row.ror_synced,
    ...closure(row),
    url: new URL(`${API_SEARCH_PATH}/${row.id}`, baseUrl).toString(),
  };
}

/** The sheet as JSON: each unit with its services, the services of no unit at the establishment. */
export function sheetJson(sheet: Sheet): EstablishmentJson {
  const e = sheet.establishment;
  const services = sheet.services.map((s) => ({
    unitId: s.unit_id,
    json: {
      id: s.id,
      name: s.name,
      category: s.category,
      types: s.types,
      specialties: s.specialties,
      closed: s.closed_at !== null,
      place: joined([s.location_name, joined([s.location_address, joined([s.location_postcode, s.location_city], ' ')], ', ')], ' – ') || null,
    },
  }));
  const unitIds = new Set(sheet.units.map((u) => u.id));
  return {
    id: e.id,
    rorId: e.ror_id,
    finess: e.finess,
    name: e.name,
    category: e.category,
    domain: e.domain_code && e.domain_name ? { code: e.domain_code, name: e.domain_name } : null,
    legalEntity: e.legal_entity_name ? { name: e.legal_entity_name, finess: e.legal_entity_finess } : null,
    address: { street: e.address, postcode: e.postcode, city: e.city },
    department: { code: e.department_code, name: e.department_name },
    regionCode: e.region_code,
    rorSynced: e.ror_synced,
    rorSyncedAt: isoDate(e.ror_synced_at),
    ...closure(e),
    closesOn: e.closes_on,
    contacts: { phone: e.phone, email: e.email, mssante: e.mssante },
    description: e.description,
    accessItinerary: e.access_itinerary,
    units: sheet.units.map((u) => ({
      id: u.id,
      rorId: u.ror_id,
      name: u.name,
      level: u.unit_type,
      parentId: u.parent_unit_id,
      internalCode: u.internal_code,
      ...closure(u),
      services: services.filter((s) => s.unitId === u.id).map((s) => s.json),
    })),
    services: services.filter((s) => s.unitId === null || !unitIds.has(s.unitId)).map((s) => s.json),
  };
}

export function directoryApiHandlers(deps: Deps) {
  return {
    /** GET /api/v1/annuaire/etablissements?nom=…&departement=…&page=…&taille=…: the page's search, paginated, a `next` link. */
    search: async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = parseSearchQuery(request.query);
      if (!parsed.ok) throw directoryErrors.DIRECTORY_QUERY_INVALID(parsed.fields);
      const result = await service.searchEstablishments(deps, parsed.filters, parsed.page, parsed.pageSize);
      const link = (page: number) => {
        const url = new URL(API_SEARCH_PATH, deps.config.baseUrl);
        for (const [key, value] of Object.entries(parsed.query)) if (value !== '' && key !== 'page' && key !== 'taille' && !(key === 'fermes' && value === '0')) url.searchParams.set(key, String(value));
        url.searchParams.set('page', String(page));
        url.searchParams.set('taille', String(parsed.pageSize));
        return url.toString();
      };
      const more = result.page * result.pageSize < result.total && result.page < API_PAGE_MAX;
      return reply.send({
        total: result.total,
        page: result.page,
        pageSize: result.pageSize,
        pages: result.pages,
        items: result.rows.map((row) => summaryJson(row, deps.config.baseUrl)),
        links: { self: link(result.page), next: more ? link(result.page + 1) : null },
      });
    },

    /** GET /api/v1/annuaire/etablissements/:id: the sheet with its units and services; 404 for an id of nothing. */
    show: async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const id = parseStrictId(request.params.id);
      if (id === null) throw directoryErrors.ESTABLISHMENT_NOT_FOUND();
      return reply.send(sheetJson(await service.readSheet(deps, id)));
    },
  };
}
