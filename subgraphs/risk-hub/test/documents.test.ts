import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { readUntil } from '@hub/testkit/eventually';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { APPROVE, ARCHIVE, CREATE, SUBMIT } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';

const UPLOAD = /* GraphQL */ `
  mutation($input: UploadAssessmentDocumentInput!) {
    uploadAssessmentDocument(input: $input) { id documentId fileName version contentType sizeBytes sha256 uploadedBy { id } }
  }
`;
const DOCUMENTS = /* GraphQL */ `
  query($id: ID!) {
    riskAssessment(id: $id) {
      documents { id fileName latestVersion { version sha256 } versions { version sizeBytes sha256 contentType contentBase64 } }
    }
  }
`;

interface VersionView {
  id: string;
  documentId: string;
  fileName: string;
  version: number;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: { id: string };
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

describe('assessment documents (PostgreSQL storage)', () => {
  let hub: RiskHubStack;
  let team: TestTeam;
  let assessmentId: string;
  const MAX_BYTES = 64 * 1024;

  beforeAll(async () => {
    // Config changes travel from plattform to risk-hub over Redis, as between real processes.
    hub = await startRiskHubStack(
      { documentLimits: { maxBytes: MAX_BYTES, contentTypes: ['application/pdf', 'text/plain'] } },
      { redisUrl: TEST_REDIS_URL },
    );
    team = await createTeam(hub.stack, 'Documents Org');
    assessmentId = (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'With files' } }, team.member.token)))
      .createRiskAssessment.id;
  });
  afterAll(() => hub.stop());

  function upload(content: Buffer, fileName = 'method-statement.pdf', contentType = 'application/pdf', token = team.member.token) {
    return hub.query<{ uploadAssessmentDocument: VersionView }>(
      UPLOAD,
      { input: { assessmentId, fileName, contentType, contentBase64: content.toString('base64') } },
      token,
    );
  }

  it('a new upload under the same name is a new version; old versions are kept with their checksums', async () => {
    const first = Buffer.from('%PDF-1.7 first revision of the method statement');
    const second = Buffer.from('%PDF-1.7 second revision, with the night shift');
    const v1 = (await expectData(upload(first))).uploadAssessmentDocument;
    const v2 = (await expectData(upload(second))).uploadAssessmentDocument;
    expect(v1).toMatchObject({ version: 1, sizeBytes: first.length, sha256: sha256(first), contentType: 'application/pdf', uploadedBy: { id: team.member.userId } });
    expect(v2).toMatchObject({ version: 2, documentId: v1.documentId, sha256: sha256(second) });
    const other = (await expectData(upload(Buffer.from('notes'), 'notes.txt', 'text/plain'))).uploadAssessmentDocument;
    expect(other).toMatchObject({ version: 1, fileName: 'notes.txt' });
    expect(other.documentId).not.toBe(v1.documentId);

    const data = await expectData(hub.query<{ riskAssessment: { documents: Array<{ fileName: string; latestVersion: { version: number }; versions: Array<{ version: number; sha256: string; contentBase64: string }> }> } }>(
      DOCUMENTS, { id: assessmentId }, team.viewer.token));
    const statement = data.riskAssessment.documents.find((document) => document.fileName === 'method-statement.pdf')!;
    expect(statement.latestVersion.version).toBe(2);
    expect(statement.versions.map((version) => [version.version, version.sha256, Buffer.from(version.contentBase64, 'base64').toString()])).toEqual([
      [2, sha256(second), second.toString()],
      [1, sha256(first), first.toString()],
    ]);
    expect(data.riskAssessment.documents.map((document) => document.fileName)).toEqual(['method-statement.pdf', 'notes.txt']);
  });

  it('downloads verify the checksum: tampered content is an INTERNAL error, not wrong bytes', async () => {
    const content = Buffer.from('%PDF-1.7 to be tampered with');
    const version = (await expectData(upload(content, 'tamper.pdf'))).uploadAssessmentDocument;
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(
        `UPDATE risk_hub.document_contents c SET content = 'forged' FROM risk_hub.document_versions v
          WHERE v.id = $1 AND c.storage_key = v.storage_key`,
        [version.id],
      );
    } finally {
      await admin.end();
    }
    const data = await hub.query<{ riskAssessment: { documents: Array<{ fileName: string; versions: Array<{ contentBase64: string }> }> } }>(
      DOCUMENTS, { id: assessmentId }, team.viewer.token);
    expect(errorCodes(data)).toContain('INTERNAL');
    expect(JSON.stringify(data)).not.toContain(Buffer.from('forged').toString('base64'));
  });

  it('enforces content type, size and base64 limits with BAD_USER_INPUT', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ contentType: 'application/x-msdownload', contentBase64: Buffer.from('MZ').toString('base64') }, 'contentType'],
      [{ contentBase64: Buffer.alloc(MAX_BYTES + 1, 1).toString('base64') }, 'contentBase64'],
      [{ contentBase64: 'not base64!' }, 'contentBase64'],
      [{ contentBase64: '' }, 'contentBase64'],
      [{ fileName: '../../etc/passwd' }, 'fileName'],
    ];
    for (const [override, field] of cases) {
      const input = { assessmentId, fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF').toString('base64'), ...override };
      const response = await hub.query(UPLOAD, { input }, team.member.token);
      expect([field, errorCodes(response), response.errors?.[0]?.extensions?.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    const exactlyMax = await upload(Buffer.alloc(MAX_BYTES, 0x41), 'max.txt', 'text/plain');
    expect(exactlyMax.data?.uploadAssessmentDocument.sizeBytes).toBe(MAX_BYTES);
  });

  it("the tenant's `documents.maxBytes` service config (plattform setConfig) lowers the limit live", async () => {
    const set = await hub.query(
      'mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }',
      { input: { service: 'risk-hub', key: 'documents.maxBytes', value: 16, reason: 'test: small uploads only' } },
      team.owner.token,
    );
    expect(set.errors).toBeUndefined();
    // Applied once the change event reached the subgraph: until then uploads of 17 bytes pass.
    const response = await readUntil(() => upload(Buffer.alloc(17, 0x42), 'small.txt', 'text/plain'), (answer) => answer.errors !== undefined, 4000);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.extensions?.maxBytes).toBe(16);
    expect((await expectData(upload(Buffer.alloc(16, 0x42), 'small.txt', 'text/plain'))).uploadAssessmentDocument.sizeBytes).toBe(16);
    await expectData(hub.query(
      'mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }',
      { input: { service: 'risk-hub', key: 'documents.maxBytes', value: MAX_BYTES, reason: 'test: back to the default' } },
      team.owner.token,
    ));
  });

  it('needs the write permission and is refused on archived assessments', async () => {
    const viewer = await upload(Buffer.from('x'), 'v.txt', 'text/plain', team.viewer.token);
    expect(errorCodes(viewer)).toEqual(['FORBIDDEN']);
    const other = (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'to archive' } }, team.member.token))).createRiskAssessment.id;
    await expectData(hub.query(SUBMIT, { id: other }, team.member.token));
    await expectData(hub.query(APPROVE, { id: other }, team.admin.token));
    await expectData(hub.query(ARCHIVE, { id: other }, team.member.token));
    const response = await hub.query(UPLOAD, { input: { assessmentId: other, fileName: 'late.txt', contentType: 'text/plain', contentBase64: 'eA==' } }, team.member.token);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('every upload is in the audit trail', async () => {
    const data = await expectData(hub.query<{ riskAssessment: { auditTrail: Array<{ entityType: string; action: string; changes: Record<string, { after: unknown }> }> } }>(
      'query($id: ID!) { riskAssessment(id: $id) { auditTrail { entityType action changes } } }', { id: assessmentId }, team.viewer.token));
    const uploads = data.riskAssessment.auditTrail.filter((entry) => entry.entityType === 'DOCUMENT');
    expect(uploads.map((entry) => [entry.action, entry.changes.fileName?.after, entry.changes.version?.after])).toEqual([
      ['uploaded', 'method-statement.pdf', 1],
      ['uploaded', 'method-statement.pdf', 2],
      ['uploaded', 'notes.txt', 1],
      ['uploaded', 'tamper.pdf', 1],
      ['uploaded', 'max.txt', 1],
      ...uploads.slice(5).map(() => ['uploaded', 'small.txt', expect.any(Number)]),
    ]);
    expect(uploads.length).toBeGreaterThanOrEqual(6);
  });
});
