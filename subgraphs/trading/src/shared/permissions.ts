/** Permission codes trading checks (granted by plattform's roles, carried in the token's scope). */
export const PERMISSIONS = {
  read: 'trading.portfolio.read',
  write: 'trading.portfolio.write',
  placeOrder: 'trading.order.place',
} as const;
