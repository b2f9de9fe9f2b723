/**
 * A unit's field records of one CST day, read from PostgreSQL into the shape the report rules take
 * (field-report.ts): inspections, check-ins, cases, hand-overs, fire points, vehicle checks; the
 * day's photos to choose from; and the electricity accounting's non-compliant enterprises of its area.
 */
import type pg from 'pg';
import { type CaseKind, type DayRecords, toCstIso, unitOfAnyPlan } from '../../domain/index.js';

type Db = pg.Pool | pg.PoolClient;

/** The county a unit works in (null: the enforcement team, the office). */
const countyOf = (unitId: string) => unitOfAnyPlan(unitId)?.jurisdiction ?? null;

export async function loadDayRecords(db: Db, unitId: string, date: string): Promise<DayRecords> {
  const county = countyOf(unitId);
  const [inspections, visits, opened, closed, handovers, fires, vehicles] = await Promise.all([
    db.query<{ enterprise_id: string; measures_in_place: boolean; photo_ids: string[] }>(
      `SELECT enterprise_id, measures_in_place, photo_ids::text[] AS photo_ids FROM field_inspections
       WHERE unit_id = $1 AND day = $2::date ORDER BY inspected_at`,
      [unitId, date],
    ),
    db.query<{ enterprise_id: string; task: string }>(
      `SELECT enterprise_id, task FROM field_task_visits WHERE unit_id = $1 AND day = $2::date AND checked_in_at IS NOT NULL`,
      [unitId, date],
    ),
    db.query<{ kind: CaseKind; enterprise_id: string; from_inspection: boolean }>(
      `SELECT kind, enterprise_id, inspection_id IS NOT NULL AS from_inspection FROM field_cases
       WHERE owner_unit = $1 AND (opened_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date`,
      [unitId, date],
    ),
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM field_cases
       WHERE owner_unit = $1 AND state = 'closed' AND (closed_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date`,
      [unitId, date],
    ),
    db.query<{ site_name: string; department: string }>(
      'SELECT site_name, department FROM field_handovers WHERE unit_id = $1 AND day = $2::date ORDER BY created_at',
      [unitId, date],
    ),
    db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM field_fire_points WHERE county = $1 AND day = $2::date',
      [county ?? '', date],
    ),
    db.query<{ checked: number; exceeding: number; penalised: number; machinery: number }>(
      `SELECT COALESCE(sum(vehicles_checked), 0)::int AS checked, COALESCE(sum(vehicles_exceeding), 0)::int AS exceeding,
              COALESCE(sum(vehicles_penalised), 0)::int AS penalised, COALESCE(sum(machinery_checked), 0)::int AS machinery
       FROM field_vehicle_checks WHERE unit_id = $1 AND day = $2::date`,
      [unitId, date],
    ),
  ]);
  return {
    inspections: inspections.rows.map((r) => ({
      enterpriseId: r.enterprise_id,
      measuresInPlace: r.measures_in_place,
      photoIds: r.photo_ids,
    })),
    supervised: visits.rows.filter((v) => v.task === 'supervise').map((v) => v.enterprise_id),
    patrolled: visits.rows.filter((v) => v.task === 'patrol').map((v) => v.enterprise_id),
    casesOpened: opened.rows.map((r) => ({
      kind: r.kind,
      enterpriseId: r.enterprise_id,
      fromInspection: r.from_inspection,
    })),
    casesClosed: closed.rows[0]?.n ?? 0,
    handovers: handovers.rows.map((h) => ({
      siteName: h.site_name,
      departmentName: unitOfAnyPlan(h.department)?.name ?? h.department,
    })),
    firePoints: fires.rows[0]?.n ?? 0,
    vehicles: vehicles.rows[0] ?? { checked: 0, exceeding: 0, penalised: 0, machinery: 0 },
  };
}

export interface DayPhoto {
  id: string;
  takenAt: string | null;
  uploadedAt: string;
  /** Named by one of the day's inspections. */
  inspection: boolean;
}

/** The unit's photos of the day (uploaded that day, or named by the day's inspections), newest first. */
export async function dayPhotos(db: Db, unitId: string, date: string): Promise<DayPhoto[]> {
  const { rows } = await db.query<{
    id: string;
    taken_at: Date | null;
    created_at: Date;
    inspection: boolean;
  }>(
    `SELECT p.id, p.taken_at, p.created_at,
            EXISTS (SELECT 1 FROM field_inspections i WHERE i.unit_id = p.unit_id AND i.day = $2::date AND p.id = ANY(i.photo_ids)) AS inspection
     FROM photos p
     WHERE p.unit_id = $1 AND ((p.created_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date
       OR EXISTS (SELECT 1 FROM field_inspections i WHERE i.unit_id = p.unit_id AND i.day = $2::date AND p.id = ANY(i.photo_ids)))
     ORDER BY inspection DESC, p.created_at DESC LIMIT 200`,
    [unitId, date],
  );
  return rows.map((r) => ({
    id: r.id,
    takenAt: r.taken_at ? toCstIso(r.taken_at.getTime()) : null,
    uploadedAt: toCstIso(r.created_at.getTime()),
    inspection: r.inspection,
  }));
}

/**
 * The accounting's non-compliant enterprises of the unit's area on the day (any episode): a branch's
 * county; for a unit without a county, the enterprises it inspected that day.
 */
export async function nonCompliantOn(
  db: Db,
  unitId: string,
  date: string,
  inspected: string[],
): Promise<string[]> {
  const county = countyOf(unitId);
  const { rows } = await db.query<{ enterprise_id: string }>(
    `SELECT DISTINCT v.enterprise_id FROM electricity_verdicts v JOIN enterprises e ON e.id = v.enterprise_id
     WHERE v.day = $1::date AND v.verdict = 'non-compliant'
       AND (($2::text IS NOT NULL AND e.county = $2) OR ($2::text IS NULL AND v.enterprise_id = ANY($3::text[])))
     ORDER BY v.enterprise_id`,
    [date, county, inspected],
  );
  return rows.map((r) => r.enterprise_id);
}
