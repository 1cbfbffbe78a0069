/**
 * Configs are not a secret store (seed area D: Redis and the config tables never carry secrets).
 * This refuses the obvious cases: secret-looking key names anywhere in the value, and values
 * shaped like private keys, bearer tokens or cloud access keys.
 */
const SECRET_NAME = /(secret|passw(or)?d|passphrase|api[-_]?key|access[-_]?key|private[-_]?key|credential|token)/i;

const SECRET_VALUES: ReadonlyArray<[string, RegExp]> = [
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/],
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];

/** Returns why a value looks like a secret (a path and a reason), or null. */
export function findSecret(value: unknown, path = '$'): string | null {
  if (typeof value === 'string') {
    for (const [what, pattern] of SECRET_VALUES) if (pattern.test(value)) return `${path} looks like ${what}`;
    return null;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findSecret(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      if (SECRET_NAME.test(name)) return `${path}.${name} is named like a secret`;
      const found = findSecret(item, `${path}.${name}`);
      if (found) return found;
    }
  }
  return null;
}

export function isSecretKeyName(key: string): boolean {
  return SECRET_NAME.test(key);
}
