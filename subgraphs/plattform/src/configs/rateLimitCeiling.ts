import {
  BadUserInputError,
  describeRateLimit,
  exceedsCeiling,
  isRateLimitWindow,
  RATE_LIMIT_CONFIG,
  type RateLimitWindow,
  type UnitOfWork,
} from '@hub/core';

/**
 * Tenants may only lower their own rate limit: a `gateway/rateLimit` write above the ceiling
 * (the operators' value for the organization, else their global one, else the gateway's static
 * default) is refused. The gateway caps at the same ceiling, so this check is the friendly
 * refusal, not the only guard.
 */
export class RateLimitCeilingRule {
  /** The gateway's static default (GATEWAY_RATE_LIMIT…); null when limiting is off there. */
  constructor(private readonly staticDefault: RateLimitWindow | null) {}

  appliesTo(service: string, key: string): boolean {
    return service === RATE_LIMIT_CONFIG.service && key === RATE_LIMIT_CONFIG.key;
  }

  async check(unit: UnitOfWork, orgId: string, value: unknown): Promise<void> {
    // The schema has already refused anything that is not a window.
    if (!isRateLimitWindow(value)) return;
    const ceiling = await this.ceilingOf(unit, orgId);
    if (ceiling && exceedsCeiling(value, ceiling)) {
      throw new BadUserInputError(
        `${RATE_LIMIT_CONFIG.service}/${RATE_LIMIT_CONFIG.key} cannot exceed this organization's ceiling of ` +
          `${describeRateLimit(ceiling)} (set by the platform operators): neither more requests nor a higher rate`,
        { reason: 'ABOVE_RATE_LIMIT_CEILING', ceiling: { limit: ceiling.limit, windowSeconds: ceiling.windowSeconds } },
      );
    }
  }

  private async ceilingOf(unit: UnitOfWork, orgId: string): Promise<RateLimitWindow | null> {
    const [row] = (await unit.manager.query(
      `SELECT value FROM service_configs
        WHERE (org_id = $1 OR org_id IS NULL) AND service = $2 AND key = $3
        ORDER BY org_id NULLS LAST LIMIT 1`,
      [orgId, RATE_LIMIT_CONFIG.service, RATE_LIMIT_CONFIG.ceilingKey],
    )) as Array<{ value: unknown }>;
    return row && isRateLimitWindow(row.value) ? row.value : this.staticDefault;
  }
}
