import { BadUserInputError, type UnitOfWork } from '@hub/core';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { bandOf, type RiskLevel } from '../hazards/riskLevel';
import { requireId } from '../validation';
import { Assessment, type AssessmentStatus } from './assessment.entity';

export type SortField = 'CREATED_AT' | 'TITLE' | 'REVIEW_DUE_DATE' | 'RISK_SCORE';
export type SortDirection = 'ASC' | 'DESC';

export interface AssessmentListQuery {
  first?: number | null;
  after?: string | null;
  filter?: {
    status?: readonly AssessmentStatus[] | null;
    level?: readonly RiskLevel[] | null;
    ownerId?: string | null;
    overdue?: boolean | null;
  } | null;
  orderBy?: { field: SortField; direction?: SortDirection | null } | null;
}

export interface AssessmentPage {
  edges: Array<{ cursor: string; node: Assessment }>;
  hasNextPage: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const MAX_SCORE_SQL = `(SELECT max(h.risk_score) FROM hazards h WHERE h.assessment_id = a.id)`;
const OVERDUE_SQL = `EXISTS (SELECT 1 FROM measures m WHERE m.assessment_id = a.id AND m.status <> 'DONE'
  AND m.due_date < (now() AT TIME ZONE 'UTC')::date)`;

/**
 * Sort keys as SQL expressions with the type their cursor value is cast back to. Every order ends
 * with the id, so keyset pagination is stable; nulls sort as the far end of the range.
 */
const SORT_KEYS: Record<SortField, { sql: string; type: string }> = {
  CREATED_AT: { sql: 'a.created_at', type: 'timestamptz' },
  TITLE: { sql: 'lower(a.title)', type: 'text' },
  REVIEW_DUE_DATE: { sql: `coalesce(a.review_due_date, 'infinity'::date)`, type: 'date' },
  RISK_SCORE: { sql: `coalesce(${MAX_SCORE_SQL}, 0)`, type: 'integer' },
};

interface Cursor {
  field: SortField;
  value: string;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.field, cursor.value, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string, field: SortField): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((part) => typeof part === 'string')) {
      const [cursorField, value, id] = parsed as [string, string, string];
      if (cursorField !== field) {
        throw new BadUserInputError('The cursor belongs to a different orderBy', { field: 'after' });
      }
      return { field: cursorField, value, id: requireId('after', id) };
    }
  } catch (error) {
    if (error instanceof BadUserInputError) throw error;
  }
  throw new BadUserInputError('after is not a valid cursor', { field: 'after' });
}

function applyFilter(query: SelectQueryBuilder<Assessment>, filter: AssessmentListQuery['filter']): void {
  if (!filter) return;
  if (filter.status && filter.status.length > 0) query.andWhere('a.status IN (:...statuses)', { statuses: [...filter.status] });
  if (filter.ownerId) query.andWhere('a.owner_id = :ownerId', { ownerId: requireId('ownerId', filter.ownerId) });
  if (filter.overdue === true) query.andWhere(OVERDUE_SQL);
  if (filter.overdue === false) query.andWhere(`NOT ${OVERDUE_SQL}`);
  if (filter.level && filter.level.length > 0) {
    const levels = filter.level;
    query.andWhere(
      new Brackets((where) => {
        levels.forEach((level, index) => {
          const band = bandOf(level);
          where.orWhere(`${MAX_SCORE_SQL} BETWEEN :min${index} AND :max${index}`, {
            [`min${index}`]: band.min,
            [`max${index}`]: band.max,
          });
        });
      }),
    );
  }
}

/** One page of the tenant's assessments: filtered, sorted, keyset-paginated, in one query. */
export async function listAssessments(unit: UnitOfWork, request: AssessmentListQuery): Promise<AssessmentPage> {
  const first = request.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be 1 to ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  const order = request.orderBy
    ? { field: request.orderBy.field, direction: request.orderBy.direction ?? 'ASC' }
    : { field: 'CREATED_AT' as const, direction: 'DESC' as const };
  const key = SORT_KEYS[order.field];
  const query = unit.manager.createQueryBuilder(Assessment, 'a').addSelect(`(${key.sql})::text`, 'sort_value');
  applyFilter(query, request.filter);
  if (request.after) {
    const cursor = decodeCursor(request.after, order.field);
    const comparison = order.direction === 'ASC' ? '>' : '<';
    query.andWhere(`((${key.sql}), a.id) ${comparison} (CAST(:cursorValue AS ${key.type}), :cursorId)`, {
      cursorValue: cursor.value,
      cursorId: cursor.id,
    });
  }
  query
    .orderBy(key.sql, order.direction)
    .addOrderBy('a.id', order.direction)
    .limit(first + 1);
  const { entities, raw } = await query.getRawAndEntities<{ a_id: string; sort_value: string }>();
  const sortValues = new Map(raw.map((row) => [row.a_id, row.sort_value]));
  const edges = entities.slice(0, first).map((node) => ({
    node,
    cursor: encodeCursor({ field: order.field, value: sortValues.get(node.id) ?? '', id: node.id }),
  }));
  return { edges, hasNextPage: entities.length > first };
}
