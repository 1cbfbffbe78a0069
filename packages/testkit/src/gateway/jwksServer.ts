import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestSigner } from './fixtureSubgraphs';

/** Serves the test signer's public key the way plattform serves its JWKS. */
export async function serveJwks(signer: TestSigner): Promise<{ url: string; server: Server }> {
  const body = JSON.stringify({ keys: [signer.publicJwk] });
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`, server };
}
