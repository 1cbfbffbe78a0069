import { createHash } from 'node:crypto';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { riskHubSettingsFromEnv } from '../src';
import { S3DocumentStorage } from '../src/documents/s3DocumentStorage';
import { CREATE } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';
import { S3TestServer } from './support/s3TestServer';

const S3 = {
  bucket: 'risk-docs',
  region: 'eu-central-1',
  accessKeyId: 'TESTACCESSKEY',
  secretAccessKey: 'test-secret-key',
  forcePathStyle: true,
};

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

describe('S3 document storage (the real @aws-sdk/client-s3 against a local S3-speaking server)', () => {
  let server: S3TestServer;

  beforeAll(async () => {
    server = new S3TestServer();
    await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    server.failPuts = false;
  });

  it('PUTs the object path-style, signed, with content type and SHA-256 checksum, and GETs it back', async () => {
    const storage = new S3DocumentStorage({ ...S3, endpoint: server.url });
    const content = Buffer.from('%PDF-1.7 stored in S3');
    const key = 'org-1/doc-1/version-1';
    // S3 takes no part in the database transaction; it ignores the unit of work.
    const unit = null;
    await storage.put(unit, { key, orgId: 'org-1', content, contentType: 'application/pdf', sha256: sha256(content) });
    const put = server.requests[0]!;
    expect(put.method).toBe('PUT');
    expect(put.path).toBe(`/${S3.bucket}/${key}`);
    expect(put.body.equals(content)).toBe(true);
    expect(put.headers['content-type']).toBe('application/pdf');
    expect(put.headers['content-length']).toBe(String(content.length));
    expect(put.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(content).digest('base64'));
    expect(put.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${S3.accessKeyId}/\\d{8}/${S3.region}/s3/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$`),
    );
    expect(put.headers['x-amz-content-sha256']).toBeDefined();

    const fetched = await storage.get(unit, key);
    expect(fetched.equals(content)).toBe(true);
    expect(server.requests[1]).toMatchObject({ method: 'GET', path: `/${S3.bucket}/${key}` });
    storage.destroy();
  });

  it('a missing object is an error, not empty content', async () => {
    const storage = new S3DocumentStorage({ ...S3, endpoint: server.url });
    await expect(storage.get(null, 'org-1/nothing/here')).rejects.toThrow();
    storage.destroy();
  });

  describe('wired into risk-hub (RISK_HUB_DOCUMENT_STORAGE=s3)', () => {
    let hub: RiskHubStack;
    let team: TestTeam;

    beforeAll(async () => {
      hub = await startRiskHubStack({ documentStorage: 's3', s3: { ...S3, endpoint: server.url } });
      team = await createTeam(hub.stack, 'S3 Org');
    });
    afterAll(() => hub.stop());

    it('uploads go to S3 under <org>/<document>/<version>, metadata to PostgreSQL, downloads come back verified', async () => {
      const assessmentId = (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'S3 docs' } }, team.member.token))).createRiskAssessment.id;
      const content = Buffer.from('risk matrix, S3 edition');
      const uploaded = await expectData(hub.query<{ uploadAssessmentDocument: { id: string; documentId: string; sha256: string } }>(
        'mutation($input: UploadAssessmentDocumentInput!) { uploadAssessmentDocument(input: $input) { id documentId sha256 } }',
        { input: { assessmentId, fileName: 'matrix.txt', contentType: 'text/plain', contentBase64: content.toString('base64') } },
        team.member.token,
      ));
      const version = uploaded.uploadAssessmentDocument;
      expect(version.sha256).toBe(sha256(content));
      const expectedPath = `/${S3.bucket}/${team.owner.orgId}/${version.documentId}/${version.id}`;
      expect(server.requests.map((request) => [request.method, request.path])).toEqual([['PUT', expectedPath]]);
      expect(server.objects.get(expectedPath)?.body.equals(content)).toBe(true);

      const download = await expectData(hub.query<{ riskAssessment: { documents: Array<{ latestVersion: { contentBase64: string } }> } }>(
        'query($id: ID!) { riskAssessment(id: $id) { documents { latestVersion { contentBase64 } } } }', { id: assessmentId }, team.viewer.token));
      expect(Buffer.from(download.riskAssessment.documents[0]!.latestVersion.contentBase64, 'base64').equals(content)).toBe(true);
      expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: expectedPath });
    });

    it('when S3 refuses the upload, the mutation fails (INTERNAL) and no version is recorded', async () => {
      const assessmentId = (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'S3 down' } }, team.member.token))).createRiskAssessment.id;
      server.failPuts = true;
      const response = await hub.query(
        'mutation($input: UploadAssessmentDocumentInput!) { uploadAssessmentDocument(input: $input) { id } }',
        { input: { assessmentId, fileName: 'lost.txt', contentType: 'text/plain', contentBase64: 'bG9zdA==' } },
        team.member.token,
      );
      expect(errorCodes(response)).toEqual(['INTERNAL']);
      expect(JSON.stringify(response)).not.toMatch(/SlowDown|127\.0\.0\.1/);
      const documents = await expectData(hub.query<{ riskAssessment: { documents: unknown[] } }>(
        'query($id: ID!) { riskAssessment(id: $id) { documents { id } } }', { id: assessmentId }, team.viewer.token));
      expect(documents.riskAssessment.documents).toEqual([]);
    });
  });

  it('settings: RISK_HUB_DOCUMENT_STORAGE=s3 reads the RISK_HUB_S3_* variables', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        RISK_HUB_DOCUMENT_STORAGE: 's3',
        RISK_HUB_S3_ENDPOINT: 'http://minio:9000',
        RISK_HUB_S3_BUCKET: 'bucket-x',
        RISK_HUB_S3_ACCESS_KEY_ID: 'id',
        RISK_HUB_S3_SECRET_ACCESS_KEY: 'secret',
      });
      expect(riskHubSettingsFromEnv()).toMatchObject({
        documentStorage: 's3',
        s3: { endpoint: 'http://minio:9000', bucket: 'bucket-x', region: 'us-east-1', accessKeyId: 'id', secretAccessKey: 'secret', forcePathStyle: true },
      });
      process.env.RISK_HUB_DOCUMENT_STORAGE = 'floppy';
      expect(() => riskHubSettingsFromEnv()).toThrow(/RISK_HUB_DOCUMENT_STORAGE/);
    } finally {
      process.env = saved;
    }
  });
});
