import { PasswordHasher } from '../src/identity/passwordHasher';
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

describe('slugify', () => {
  it.each([
    ['ACME Corp', 'acme-corp'],
    ['Müller & Söhne GmbH', 'muller-sohne-gmbh'],
    ['  --  ', 'org'],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});
