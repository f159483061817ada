/** R42 "Mes référents": for each of my habilitations, the referents of its establishment and unit. */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { referentsOf } from '../habilitations/habilitation.service.js';
import * as repo from './self-service.repository.js';
import { formatPhone, lacksReferents } from './self-service.rules.js';
import { habilitationView } from './self-service.service.js';

export interface ReferentView {
  name: string;
  email: string;
  phone: string;
  isMe: boolean;
}

export interface ReferentGroup {
  habilitationId: number;
  profileName: string;
  location: string;
  endDate: string;
  /** At a department or a region: no structure referent, the territory team manages it. */
  territory: boolean;
  unit: { name: string; referents: ReferentView[] } | null;
  establishment: { name: string; referents: ReferentView[]; lacksReferents: boolean } | null;
}

/** R42: for each of my active habilitations, the referents of its unit and of its establishment. */
export async function listMyReferents(deps: Deps, accountId: number): Promise<ReferentGroup[]> {
  const today = parisDate(deps.clock.now());
  const habilitations = await repo.listActiveHabilitations(deps.db, accountId, today);
  const establishmentIds = [...new Set(habilitations.map((h) => h.establishment_id).filter((id): id is number => id !== null))];
  const unitIds = [...new Set(habilitations.map((h) => h.unit_id).filter((id): id is number => id !== null))];
  const referents = await referentsOf(deps, { establishmentIds, unitIds });
  const byPlace = (role: 'structure' | 'unit') => {
    const map = new Map<number, ReferentView[]>();
    for (const row of referents.filter((r) => r.role === role)) {
      const list = map.get(row.place_id) ?? [];
      list.push({ name: `${row.first_name} ${row.last_name.toUpperCase()}`, email: row.email, phone: formatPhone(row.phone), isMe: row.account_id === accountId });
      map.set(row.place_id, list);
    }
    return map;
  };
  const structureReferents = byPlace('structure');
  const unitReferents = byPlace('unit');
  return habilitations.map((h) => {
    const view = habilitationView(h, today);
    const establishmentRefs = h.establishment_id !== null ? (structureReferents.get(h.establishment_id) ?? []) : [];
    return {
      habilitationId: h.id,
      profileName: h.profile_name,
      location: view.location,
      endDate: h.end_date,
      territory: h.level === 'department' || h.level === 'region',
      unit: h.unit_id !== null ? { name: h.unit_name ?? '', referents: unitReferents.get(h.unit_id) ?? [] } : null,
      establishment:
        h.establishment_id !== null
          ? { name: h.establishment_name ?? '', referents: establishmentRefs, lacksReferents: lacksReferents(establishmentRefs.length) }
          : null,
    };
  });
}
