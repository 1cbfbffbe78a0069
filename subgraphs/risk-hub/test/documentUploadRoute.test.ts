import { createHash, randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { signUpAccount } from '@hub/testkit/testStack';
import { CREATE } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

const UPLOAD = /* GraphQL */ `
  mutation Upload($input: UploadAssessmentDocumentInput!) {
    uploadAssessmentDocument(input: $input) { id fileName sizeBytes sha256 contentType }
  }
`;
const DOWNLOAD = /* GraphQL */ `
  query Download($id: ID!) {
    riskAssessment(id: $id) { documents { fileName versions { sha256 sizeBytes contentBase64 } } }
  }
`;

type Uploaded = { uploadAssessmentDocument: { fileName: string; sizeBytes: number; sha256: string; contentType: string } };
type Downloaded = { riskAssessment: { documents: Array<{ fileName: string; versions: Array<{ sha256: string; sizeBytes: number; contentBase64: string }> }> } };

const MiB = 1024 * 1024;
/** The gateway's upload cap and risk-hub's document limit in this stack (small, so an oversized file stays cheap). */
const MAX_FILE_BYTES = 3 * MiB;

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function pdf(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, randomBytes(bytes - head.length - tail.length), tail]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A complete 1×1 RGB PNG: signature, header, one image chunk, end. */
function png(): Buffer {
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const pixels = deflateSync(Buffer.from([0, 0x20, 0x80, 0xff]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('large document uploads through the gateway upload route', () => {
  let hub: RiskHubStack;
  let team: TestTeam;
  let assessmentId: string;
  let uploadUrl: string;

  beforeAll(async () => {
    hub = await startRiskHubStack(
      { documentLimits: { maxBytes: MAX_FILE_BYTES, contentTypes: ['application/pdf', 'image/png', 'text/plain'] } },
      { gatewayConfig: { uploads: { maxFileBytes: MAX_FILE_BYTES, mutations: ['uploadAssessmentDocument'] } } },
    );
    uploadUrl = `${hub.stack.gatewayUrl}/upload`;
    team = await createTeam(hub.stack, 'Upload Route Org');
    assessmentId = (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'Large files' } }, team.member.token)))
      .createRiskAssessment.id;
  });
  afterAll(() => hub.stop());

  function uploadTo(
    url: string,
    content: Buffer,
    fileName: string,
    contentType = 'application/pdf',
    token = team.member.token,
  ): Promise<GraphQLResponse<Uploaded>> {
    return postGraphQLSigningSubgraphs<Uploaded>(url, UPLOAD, { input: { assessmentId, fileName, contentType, contentBase64: content.toString('base64') } }, token);
  }

  async function downloaded(url: string, token: string, fileName: string): Promise<Buffer> {
    const data = await expectData(postGraphQLSigningSubgraphs<Downloaded>(url, DOWNLOAD, { id: assessmentId }, token));
    const document = data.riskAssessment.documents.find((candidate) => candidate.fileName === fileName);
    return Buffer.from(document!.versions[0]!.contentBase64, 'base64');
  }

  it('a 2 MiB PDF uploads through the gateway and downloads byte-identical (gateway and straight at risk-hub)', async () => {
    const content = pdf(2 * MiB);
    const uploaded = (await expectData(uploadTo(uploadUrl, content, 'site-plan.pdf'))).uploadAssessmentDocument;
    expect(uploaded).toMatchObject({ sizeBytes: content.length, sha256: sha256(content), contentType: 'application/pdf' });
    expect((await downloaded(hub.stack.gatewayUrl, team.viewer.token, 'site-plan.pdf')).equals(content)).toBe(true);
    expect((await downloaded(hub.hubGraphqlUrl, team.viewer.token, 'site-plan.pdf')).equals(content)).toBe(true);

    const direct = pdf(2 * MiB);
    expect((await expectData(uploadTo(hub.hubGraphqlUrl, direct, 'direct.pdf'))).uploadAssessmentDocument.sha256).toBe(sha256(direct));
    expect((await downloaded(hub.stack.gatewayUrl, team.viewer.token, 'direct.pdf')).equals(direct)).toBe(true);
  });

  it('every other request keeps the normal cap: over 100 KB on /graphql is 413 REQUEST_TOO_LARGE, uploads included', async () => {
    const query = await postGraphQLSigningSubgraphs(hub.stack.gatewayUrl, '{ __typename }', { padding: 'x'.repeat(101_000) }, team.member.token);
    expect([query.status, errorCodes(query)]).toEqual([413, ['REQUEST_TOO_LARGE']]);
    const upload = await uploadTo(hub.stack.gatewayUrl, pdf(2 * MiB), 'wrong-route.pdf');
    expect([upload.status, errorCodes(upload)]).toEqual([413, ['REQUEST_TOO_LARGE']]);
  });

  it('the upload route runs nothing but the upload mutation', async () => {
    const query = await postGraphQLSigningSubgraphs(uploadUrl, DOWNLOAD, { id: assessmentId, padding: 'x'.repeat(200_000) }, team.member.token);
    expect([query.status, errorCodes(query), query.data ?? null]).toEqual([400, ['UPLOAD_ROUTE_ONLY'], null]);
    const mixed = await postGraphQLSigningSubgraphs(
      uploadUrl,
      `mutation($input: UploadAssessmentDocumentInput!) { uploadAssessmentDocument(input: $input) { id } createRiskAssessment(input: { title: "smuggled" }) { id } }`,
      { input: { assessmentId, fileName: 'mixed.pdf', contentType: 'application/pdf', contentBase64: pdf(1024).toString('base64') } },
      team.member.token,
    );
    expect([mixed.status, errorCodes(mixed)]).toEqual([400, ['UPLOAD_ROUTE_ONLY']]);
    const batch = await fetch(uploadUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${team.member.token}` },
      body: JSON.stringify([{ query: UPLOAD }, { query: UPLOAD }]),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
  });

  it('a file over the upload cap is refused cleanly: 413 at the gateway, BAD_USER_INPUT at risk-hub', async () => {
    const oversized = await uploadTo(uploadUrl, pdf(MAX_FILE_BYTES + 200_000), 'too-big.pdf');
    expect([oversized.status, errorCodes(oversized)]).toEqual([413, ['REQUEST_TOO_LARGE']]);
    // Without a Content-Length the body is counted while it is read, against the same cap.
    const contentBase64 = pdf(MAX_FILE_BYTES + 200_000).toString('base64');
    const body = JSON.stringify({ query: UPLOAD, variables: { input: { assessmentId, fileName: 'chunked.pdf', contentType: 'application/pdf', contentBase64 } } });
    const chunked = await fetch(uploadUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${team.member.token}` },
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect([chunked.status, ((await chunked.json()) as GraphQLResponse).errors?.[0]?.extensions?.code]).toEqual([413, 'REQUEST_TOO_LARGE']);
    // The unread rest of the body makes the connection useless: the client must not reuse it.
    expect(chunked.headers.get('connection')).toBe('close');
    const justOver = await uploadTo(uploadUrl, pdf(MAX_FILE_BYTES + 1), 'just-over.pdf');
    expect([errorCodes(justOver), justOver.errors?.[0]?.extensions?.maxBytes]).toEqual([['BAD_USER_INPUT'], MAX_FILE_BYTES]);
    const direct = await uploadTo(hub.hubGraphqlUrl, pdf(MAX_FILE_BYTES + 1), 'just-over.pdf');
    expect(errorCodes(direct)).toEqual(['BAD_USER_INPUT']);
  });

  it('bytes must match the declared content type: a PNG declared as application/pdf is BAD_USER_INPUT', async () => {
    for (const url of [uploadUrl, hub.hubGraphqlUrl]) {
      const disguised = await uploadTo(url, png(), 'invoice.pdf');
      expect([errorCodes(disguised), disguised.errors?.[0]?.extensions?.detected]).toEqual([['BAD_USER_INPUT'], 'image/png']);
      const asText = await uploadTo(url, png(), 'notes.txt', 'text/plain');
      expect(errorCodes(asText)).toEqual(['BAD_USER_INPUT']);
      const pdfAsImage = await uploadTo(url, pdf(1024), 'photo.png', 'image/png');
      expect([errorCodes(pdfAsImage), pdfAsImage.errors?.[0]?.extensions?.detected]).toEqual([['BAD_USER_INPUT'], 'application/pdf']);
    }
    expect((await expectData(uploadTo(uploadUrl, png(), 'photo.png', 'image/png'))).uploadAssessmentDocument.contentType).toBe('image/png');
    expect((await expectData(uploadTo(uploadUrl, Buffer.from('plain notes, no signature'), 'notes.txt', 'text/plain'))).uploadAssessmentDocument.contentType).toBe(
      'text/plain',
    );
  });

  it('another tenant cannot read the uploaded document nor add to it; a viewer cannot upload (gateway and straight at risk-hub)', async () => {
    const secret = pdf(4096);
    await expectData(uploadTo(uploadUrl, secret, 'confidential.pdf'));
    const stranger = await signUpAccount(hub.stack, 'Stranger Org');
    for (const url of [hub.stack.gatewayUrl, hub.hubGraphqlUrl]) {
      const read = await postGraphQLSigningSubgraphs(url, DOWNLOAD, { id: assessmentId }, stranger.token);
      expect(errorCodes(read)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(read)).not.toContain(sha256(secret));
      expect(JSON.stringify(read)).not.toContain(secret.subarray(0, 64).toString('base64'));
    }
    for (const url of [uploadUrl, hub.hubGraphqlUrl]) {
      expect(errorCodes(await uploadTo(url, pdf(2 * MiB), 'planted.pdf', 'application/pdf', stranger.token))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await uploadTo(url, pdf(2 * MiB), 'planted.pdf', 'application/pdf', team.viewer.token))).toEqual(['FORBIDDEN']);
    }
    const names = (await expectData(postGraphQLSigningSubgraphs<Downloaded>(hub.stack.gatewayUrl, DOWNLOAD, { id: assessmentId }, team.viewer.token))).riskAssessment.documents.map(
      (document) => document.fileName,
    );
    expect(names).not.toContain('planted.pdf');
  });
});
