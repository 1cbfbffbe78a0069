import { DEFAULT_SCRYPT_COST, PasswordHasher, scryptCostFor } from '../src/identity/passwordHasher';
import { slugify } from '../src/organizations/slug';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ cost: { N: 1024, r: 8, p: 1 } });

  it('never stores the password and salts every hash', async () => {
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');
    expect(first).not.toContain('correct horse');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(first).not.toBe(second);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', stored)).resolves.toBe(false);
  });

  it('refuses when there is no stored hash (unknown user) and on a malformed hash', async () => {
    await expect(hasher.verify('anything at all', null)).resolves.toBe(false);
    await expect(hasher.verify('anything at all', 'plain-text')).resolves.toBe(false);
  });
});

describe('scrypt cost (PASSWORD_SCRYPT_N)', () => {
  it('hashes at N=16384, r=8, p=1 unless configured', async () => {
    expect(DEFAULT_SCRYPT_COST).toEqual({ N: 16384, r: 8, p: 1 });
    expect(await new PasswordHasher().hash('correct horse battery staple')).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it('takes a power of two, and refuses a cheaper one than the default in production', () => {
    expect(scryptCostFor(1024, false)).toEqual({ N: 1024, r: 8, p: 1 });
    expect(scryptCostFor(32768, true)).toEqual({ N: 32768, r: 8, p: 1 });
    expect(() => scryptCostFor(1024, true)).toThrow(/refused with NODE_ENV=production/);
    expect(() => scryptCostFor(1000, false)).toThrow(/power of two/);
    expect(() => scryptCostFor(2 ** 21, false)).toThrow(/power of two/);
  });

  it('verifies a hash made at another cost with the cost stored in it', async () => {
    const stored = await new PasswordHasher({ cost: { N: 2048, r: 8, p: 1 } }).hash('correct horse battery staple');
    await expect(new PasswordHasher({ cost: DEFAULT_SCRYPT_COST }).verify('correct horse battery staple', stored)).resolves.toBe(true);
  });
});

describe('slugify', () => {
  it.each([
    ['ACME Corp', 'acme-corp'],
    ['Müller & Söhne GmbH', 'muller-sohne-gmbh'],
    ['  --  ', 'org'],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});
