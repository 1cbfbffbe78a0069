/** Permission codes risk-hub checks; plattform puts them into the access token by role. */
export const RISK_READ = 'risk.assessment.read';
export const RISK_WRITE = 'risk.assessment.write';
export const RISK_APPROVE = 'risk.assessment.approve';
