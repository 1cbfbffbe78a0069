import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { JWKS_PATH } from '@hub/plattform';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestStack } from '@hub/testkit/testStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

const ME = 'query { me { user { id } } }';

async function keyPair(): Promise<{ pem: string; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { pem: await exportPKCS8(privateKey), publicJwk: await exportJWK(publicKey) };
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
}

describe('signing key rotation', () => {
  const stacks: TestStack[] = [];
  afterEach(async () => {
    while (stacks.length > 0) await stacks.pop()!.stop();
  });

  it('tokens signed with the previous key verify after rotation; with the key removed they do not', async () => {
    const oldKey = await keyPair();
    const newKey = await keyPair();

    const before = await startTestStack({ plattform: { signingKeyPem: oldKey.pem } });
    stacks.push(before);
    const account = await signUpAccount(before);
    await before.stop();
    stacks.pop();

    // Rotated: the new key signs, the old public key is still published.
    const rotated = await startTestStack({
      plattform: { signingKeyPem: newKey.pem, previousSigningKeys: JSON.stringify({ keys: [oldKey.publicJwk] }) },
    });
    stacks.push(rotated);
    const jwks = (await (await fetch(`${rotated.plattformUrl}${JWKS_PATH}`)).json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
    const viaGateway = await rotated.query<{ me: { user: { id: string } } }>(ME, {}, account.token);
    expect(viaGateway.errors).toBeUndefined();
    expect(viaGateway.data?.me.user.id).toBe(account.userId);
    const fresh = await signUpAccount(rotated);
    expect(kidOf(fresh.token)).not.toBe(kidOf(account.token));
    expect(jwks.keys.map((key) => key.kid)).toEqual([kidOf(fresh.token), kidOf(account.token)]);
    await rotated.stop();
    stacks.pop();

    // The old key removed: its tokens are refused by plattform and by the gateway.
    const removed = await startTestStack({ plattform: { signingKeyPem: newKey.pem, previousSigningKeys: undefined } });
    stacks.push(removed);
    expect(errorCodes(await removed.query(ME, {}, account.token))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await postGraphQLSigningSubgraphs(`${removed.plattformUrl}/graphql`, ME, {}, account.token))).toEqual(['UNAUTHENTICATED']);
    expect((await removed.query(ME, {}, fresh.token)).errors).toBeUndefined();
  });

  it('refuses a private key among the previous keys', async () => {
    const oldKey = await keyPair();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const leaked = await exportJWK(privateKey);
    await expect(
      startTestStack({ plattform: { signingKeyPem: oldKey.pem, previousSigningKeys: JSON.stringify([leaked]) } }),
    ).rejects.toThrow('public keys only');
  });
});
