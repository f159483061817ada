/** Pure rules about habilitations: they take `today` (a Europe/Paris 'YYYY-MM-DD') and never read the clock. */
import type { LocationLevel } from '../../db/schema.js';

/** Active ⇔ not deleted and today within [start, end] (R30, DESIGN). ISO dates compare as strings. */
export function isHabilitationActive(
  h: { start_date: string; end_date: string; deleted_at: Date | null },
  today: string,
): boolean {
  return h.deleted_at === null && h.start_date <= today && today <= h.end_date;
}

/**
 * A place, with the chain of places that contain it. A unit knows its establishment, department
 * and region; a region knows only itself.
 */
export interface Place {
  level: LocationLevel;
  unitId?: number | null;
  establishmentId?: number | null;
  departmentCode?: string | null;
  regionCode?: string | null;
}

/** Does `location` contain `target` (unit ⊂ establishment ⊂ department ⊂ region; a place contains itself)? */
export function locationContains(location: Place, target: Place): boolean {
  switch (location.level) {
    case 'region':
      return location.regionCode != null && location.regionCode === target.regionCode;
    case 'department':
      return location.departmentCode != null && location.departmentCode === target.departmentCode;
    case 'establishment':
      return location.establishmentId != null && location.establishmentId === target.establishmentId;
    case 'unit':
      return target.level === 'unit' && location.unitId != null && location.unitId === target.unitId;
  }
}
