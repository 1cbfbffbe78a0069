/**
 * Requests whose gateway assertion was verified. Kept by object, never as a header, so nothing a
 * caller sends can claim it.
 */
const verified = new WeakSet<Request>();

export function markGatewaySigned(request: Request): void {
  verified.add(request);
}

export function isGatewaySigned(request: Request | undefined): boolean {
  return request !== undefined && verified.has(request);
}
