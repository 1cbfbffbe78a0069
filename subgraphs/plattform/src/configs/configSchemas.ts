import Ajv, { type ValidateFunction } from 'ajv';

/**
 * JSON Schemas of the configs the graph itself reads. A key without a schema accepts any JSON
 * (hubs may add their own); a key with one refuses values that do not match.
 */
/** At most `limit` requests in any `windowSeconds`; a window of 0 s or of no requests is refused. */
const RATE_LIMIT_WINDOW = {
  type: 'object',
  required: ['limit', 'windowSeconds'],
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    windowSeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
  },
};

const SCHEMAS: Record<string, Record<string, object>> = {
  gateway: {
    rateLimit: RATE_LIMIT_WINDOW,
    // Operator-owned (operatorOwnedConfigs.ts): the most a tenant's rateLimit may allow.
    rateLimitCeiling: RATE_LIMIT_WINDOW,
  },
  trading: {
    maxOrderValue: { type: 'number', exclusiveMinimum: 0 },
    allowShortSelling: { type: 'boolean' },
  },
  agent: {
    leaseSeconds: { type: 'integer', minimum: 5, maximum: 3600 },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
  },
};

export class ConfigSchemaRegistry {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schemas: Record<string, Record<string, object>> = SCHEMAS) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    for (const [service, keys] of Object.entries(schemas)) {
      for (const [key, schema] of Object.entries(keys)) this.validators.set(`${service}/${key}`, ajv.compile(schema));
    }
  }

  /** Null when the value is acceptable; otherwise a readable list of what is wrong. */
  check(service: string, key: string, value: unknown): string | null {
    const validate = this.validators.get(`${service}/${key}`);
    if (!validate || validate(value)) return null;
    return (validate.errors ?? []).map((error) => `${error.instancePath || '$'} ${error.message ?? 'is invalid'}`).join('; ');
  }

  hasSchema(service: string, key: string): boolean {
    return this.validators.has(`${service}/${key}`);
  }
}
