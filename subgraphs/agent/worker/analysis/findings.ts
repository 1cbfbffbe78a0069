/** Severity scale shared by every report the reference worker writes. */
export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

/** Most severe first; ties keep their original order. */
export function bySeverity<T extends { severity: Severity }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
