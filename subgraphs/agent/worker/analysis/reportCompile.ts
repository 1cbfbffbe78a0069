import { bySeverity, type Severity } from './findings';

export interface ReportInput {
  title: string;
  findings: Array<{ severity: Severity; message: string }>;
}

export interface CompiledReport {
  markdown: string;
  counts: Record<Severity, number>;
}

const HEADINGS: Record<Severity, string> = { critical: 'Critical', warning: 'Warnings', info: 'Notes' };

/** A Markdown report: counts first, then the findings grouped by severity, most severe first. */
export function compileReport(input: ReportInput): CompiledReport {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const finding of input.findings) counts[finding.severity] += 1;
  const lines = [`# ${input.title}`, '', `${counts.critical} critical, ${counts.warning} warning(s), ${counts.info} note(s).`];
  let current: Severity | null = null;
  for (const finding of bySeverity(input.findings)) {
    if (finding.severity !== current) {
      current = finding.severity;
      lines.push('', `## ${HEADINGS[current]}`, '');
    }
    lines.push(`- ${finding.message}`);
  }
  if (input.findings.length === 0) lines.push('', 'No findings.');
  return { markdown: `${lines.join('\n')}\n`, counts };
}
