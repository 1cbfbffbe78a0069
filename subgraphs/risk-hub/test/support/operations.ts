/** GraphQL operations the risk-hub tests send through the gateway. */
export const ASSESSMENT_FIELDS = /* GraphQL */ `
  id title scope site department status version reviewDueDate rejectionReason decidedAt
  owner { id } author { id } decidedBy { id }
`;

export const CREATE = `mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { ${ASSESSMENT_FIELDS} } }`;
export const UPDATE = `mutation($id: ID!, $input: UpdateRiskAssessmentInput!) { updateRiskAssessment(id: $id, input: $input) { ${ASSESSMENT_FIELDS} } }`;
export const SUBMIT = `mutation($id: ID!) { submitAssessment(id: $id) { ${ASSESSMENT_FIELDS} } }`;
export const APPROVE = `mutation($id: ID!) { approveAssessment(id: $id) { ${ASSESSMENT_FIELDS} } }`;
export const REJECT = `mutation($id: ID!, $reason: String!) { rejectAssessment(id: $id, reason: $reason) { ${ASSESSMENT_FIELDS} } }`;
export const REVISE = `mutation($id: ID!) { reviseAssessment(id: $id) { ${ASSESSMENT_FIELDS} } }`;
export const ARCHIVE = `mutation($id: ID!) { archiveAssessment(id: $id) { ${ASSESSMENT_FIELDS} } }`;
export const ADD_HAZARD = `mutation($a: ID!, $input: HazardInput!) { addHazard(assessmentId: $a, input: $input) { id riskScore riskLevel likelihood severity } }`;
export const ADD_MEASURE = `mutation($h: ID!, $input: MeasureInput!) { addMeasure(hazardId: $h, input: $input) { id status overdue dueDate owner { id } } }`;
export const GET = `query($id: ID!) { riskAssessment(id: $id) { ${ASSESSMENT_FIELDS} } }`;

export interface AssessmentView {
  id: string;
  title: string;
  scope: string;
  site: string | null;
  department: string | null;
  status: string;
  version: number;
  reviewDueDate: string | null;
  rejectionReason: string | null;
  decidedAt: string | null;
  owner: { id: string } | null;
  author: { id: string } | null;
  decidedBy: { id: string } | null;
}

export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
