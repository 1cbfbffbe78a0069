import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createGateway, gatewayConfigFrom, GRAPHIQL_TITLE, type Gateway } from '../src';

const INTROSPECTION = '{ __schema { queryType { name } } }';

async function gatewayIn(mode: 'production' | 'development'): Promise<Gateway> {
  const supergraphSdl = await readFile(resolve(__dirname, '../../supergraph.graphql'), 'utf8');
  const config = { ...gatewayConfigFrom([]), production: mode === 'production' };
  return createGateway({ config, supergraphSdl, verifyToken: async () => Promise.reject(new Error('unused')) });
}

async function post(gateway: Gateway, query: string, variables?: Record<string, unknown>) {
  const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** A misspelt field, a misspelt enum value and a misspelt input field (caught when variables are coerced). */
async function misspeltMessages(gateway: Gateway): Promise<string[]> {
  const responses = [
    await post(gateway, '{ mee { user { id } } }'),
    await post(gateway, 'mutation { changeMemberRole(userId: "someone", role: OWNR) { role } }'),
    await post(gateway, 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', {
      input: { emial: 'someone@example.test', password: 'correct horse battery staple', displayName: 'Someone', organizationName: 'Org' },
    }),
  ];
  return responses.map((response) => response.errors?.map((error) => error.message).join(' | ') ?? 'no error');
}

describe('gateway modes', () => {
  it('production: no GraphiQL, no introspection and no "Did you mean" suggestions', async () => {
    const gateway = await gatewayIn('production');
    try {
      const page = await gateway.yoga.fetch('http://gateway.test/graphql', { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/graphiql/i);
      const result = await post(gateway, INTROSPECTION);
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
      const messages = await misspeltMessages(gateway);
      expect(messages).toEqual([
        expect.stringContaining('Cannot query field "mee"'),
        expect.stringContaining('"OWNR"'),
        expect.stringContaining('"emial"'),
      ]);
      for (const message of messages) expect(message).not.toMatch(/did you mean/i);
    } finally {
      await gateway.stop();
    }
  });

  it('development: GraphiQL, introspection and suggestions are available', async () => {
    const gateway = await gatewayIn('development');
    try {
      const page = await gateway.yoga.fetch('http://gateway.test/graphql', { headers: { accept: 'text/html' } });
      const html = await page.text();
      expect(html).toMatch(/graphiql/i);
      expect(html).toContain(`<title>${GRAPHIQL_TITLE}</title>`);
      // Its scripts and styles come with the page (the npm package), none from another server.
      expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
      const result = await post(gateway, INTROSPECTION);
      expect(result).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
      expect(await misspeltMessages(gateway)).toEqual([
        expect.stringContaining('Did you mean "me"?'),
        expect.stringContaining('Did you mean the enum value "OWNER"?'),
        expect.stringContaining('Did you mean "email"?'),
      ]);
    } finally {
      await gateway.stop();
    }
  });
});
