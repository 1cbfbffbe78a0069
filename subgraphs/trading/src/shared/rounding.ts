/**
 * Money and quantities are stored as `numeric` at fixed scales; every computed amount is rounded
 * to that scale before it is compared or stored, so binary floating point never accumulates drift.
 */
function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * factor) / factor;
}

/** Cash and fees: 4 decimals (the scale of `cash` and `fees`). */
export function roundMoney(value: number): number {
  return roundTo(value, 4);
}

/** Quantities and prices: 6 decimals. */
export function roundQuantity(value: number): number {
  return roundTo(value, 6);
}

export const roundPrice = roundQuantity;
