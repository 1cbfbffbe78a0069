import type { ValueTransformer } from 'typeorm';

/** PostgreSQL `numeric` arrives as a string (exact); the domain works with numbers at fixed scales. */
export const numericColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
