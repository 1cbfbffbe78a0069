import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';

const INTROSPECTION = '{ __schema { queryType { name } } }';

async function gatewayIn(mode: 'production' | 'development'): Promise<Gateway> {
  const supergraphSdl = await readFile(resolve(__dirname, '../../supergraph.graphql'), 'utf8');
  const config = { ...gatewayConfigFrom([]), production: mode === 'production' };
  return createGateway({ config, supergraphSdl, verifyToken: async () => Promise.reject(new Error('unused')) });
}

async function post(gateway: Gateway, query: string) {
  const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

describe('gateway modes', () => {
  it('production: no GraphiQL and no introspection', async () => {
    const gateway = await gatewayIn('production');
    try {
      const page = await gateway.yoga.fetch('http://gateway.test/graphql', { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/graphiql/i);
      const result = await post(gateway, INTROSPECTION);
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    } finally {
      await gateway.stop();
    }
  });

  it('development: GraphiQL and introspection are available', async () => {
    const gateway = await gatewayIn('development');
    try {
      const page = await gateway.yoga.fetch('http://gateway.test/graphql', { headers: { accept: 'text/html' } });
      expect(await page.text()).toMatch(/graphiql/i);
      const result = await post(gateway, INTROSPECTION);
      expect(result).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    } finally {
      await gateway.stop();
    }
  });
});
