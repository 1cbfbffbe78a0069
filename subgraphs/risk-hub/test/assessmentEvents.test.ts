import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount } from '@hub/testkit/testStack';
import { APPROVE, CREATE, REJECT, REVISE, SUBMIT } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { subscribeSignedSse } from '@hub/testkit/gatewaySignature';
import { eventually } from '@hub/testkit/eventually';

const EVENTS = /* GraphQL */ `
  subscription($assessmentId: ID) {
    riskAssessmentEvents(assessmentId: $assessmentId) {
      id type time assessmentId measureId data
      assessment { id title status version }
    }
  }
`;

interface EventView {
  riskAssessmentEvents: {
    id: string;
    type: string;
    time: string;
    assessmentId: string;
    measureId: string | null;
    data: Record<string, unknown>;
    assessment: { id: string; title: string; status: string; version: number } | null;
  };
}

describe('risk assessment events: outbox → Redis → subscription over SSE (directly on the subgraph)', () => {
  let hub: RiskHubStack;
  let team: TestTeam;
  const open: Array<SseSubscription<unknown>> = [];

  beforeAll(async () => {
    // Events travel the production path: outbox → relay → Redis → subscription.
    hub = await startRiskHubStack({}, { redisUrl: TEST_REDIS_URL });
    expect(hub.hub.eventBus.kind).toBe('redis');
    team = await createTeam(hub.stack, 'Events Org');
  });
  afterEach(() => {
    for (const subscription of open.splice(0)) subscription.close();
  });
  afterAll(() => hub.stop());

  async function subscribe(token: string | undefined, assessmentId: string | null = null) {
    const subscription = await subscribeSignedSse<EventView>('risk-hub', hub.hubGraphqlUrl, EVENTS, { assessmentId }, token);
    open.push(subscription as SseSubscription<unknown>);
    return subscription;
  }

  async function create(title: string, token = team.member.token): Promise<string> {
    return (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title } }, token))).createRiskAssessment.id;
  }

  /** Creates assessments until the tenant-wide subscription sees one: from then on it is attached. */
  async function warmUp(subscription: SseSubscription<EventView>): Promise<void> {
    for (let attempt = 0; attempt < 20 && subscription.results.length === 0; attempt += 1) {
      await create(`warm-up ${attempt}`);
      await subscription.waitFor(1, 250).catch(() => undefined);
    }
    expect(subscription.results.length).toBeGreaterThan(0);
  }

  it('an assessment subscriber gets only that assessment’s events, in order; a tenant subscriber gets every type', async () => {
    const first = await create('Crane lifts');
    const other = await create('Unrelated');
    const filtered = await subscribe(team.viewer.token, first);
    const everything = await subscribe(team.viewer.token);
    await warmUp(everything);

    await expectData(hub.query(SUBMIT, { id: other }, team.member.token));
    await expectData(hub.query(SUBMIT, { id: first }, team.member.token));
    await expectData(hub.query(APPROVE, { id: first }, team.admin.token));
    await expectData(hub.query(REJECT, { id: other, reason: 'no' }, team.admin.token));
    // Under load the relay may publish the `created` events (committed before subscribing) late;
    // they are legitimately delivered, so the assertions look at the events caused afterwards.
    const later = (subscription: SseSubscription<EventView>) =>
      subscription.results.filter((result) => result.errors || result.data!.riskAssessmentEvents.type !== 'risk.assessment.created');
    // Each event reads the assessment as it is when delivered: the marker below changes `first`
    // only after the two events under test have arrived.
    await eventually(() => later(filtered).length >= 2, 5000, 'two events on the filtered subscription');
    // Marker: `first` revised and submitted again, a later event on both subscriptions. Whatever
    // was wrongly sent to either before it (the other assessment's events, a repeat) came first.
    await expectData(hub.query(REVISE, { id: first }, team.admin.token));
    await expectData(hub.query(SUBMIT, { id: first }, team.member.token));
    const beforeMarker = (subscription: SseSubscription<EventView>) => {
      const events = later(subscription);
      const submissionsOfFirst = events.flatMap((result, index) => {
        const event = result.data?.riskAssessmentEvents;
        return event?.type === 'risk.assessment.submitted' && event.assessmentId === first ? [index] : [];
      });
      return submissionsOfFirst.length >= 2 ? events.slice(0, submissionsOfFirst[1]) : null;
    };
    await eventually(() => beforeMarker(filtered) !== null && beforeMarker(everything) !== null, 5000, 'the marker on both subscriptions');
    const results = beforeMarker(filtered)!;
    expect(results).toHaveLength(2);
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    expect(filtered.results.every((result) => result.data!.riskAssessmentEvents.assessmentId === first)).toBe(true);
    const events = results.map((result) => result.data!.riskAssessmentEvents);
    expect(events.map((event) => [event.type, event.assessmentId])).toEqual([
      ['risk.assessment.submitted', first],
      ['risk.assessment.approved', first],
    ]);
    expect(events[1]).toMatchObject({
      measureId: null,
      data: { assessmentId: first, status: 'APPROVED', version: 1, actorId: team.admin.userId },
      assessment: { id: first, title: 'Crane lifts', status: 'APPROVED', version: 1 },
    });
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    expect(Date.parse(events[1]!.time)).not.toBeNaN();

    expect(everything.results[0]!.data!.riskAssessmentEvents.type).toBe('risk.assessment.created');
    const types = beforeMarker(everything)!.map((result) => result.data!.riskAssessmentEvents);
    expect(types.map((event) => [event.type, event.assessmentId])).toEqual([
      ['risk.assessment.submitted', other],
      ['risk.assessment.submitted', first],
      ['risk.assessment.approved', first],
      ['risk.assessment.rejected', other],
    ]);
    expect(types[3]!.data.reason).toBe('no');
  });

  it("a subscriber never sees another tenant's events", async () => {
    const stranger = await signUpAccount(hub.stack, 'Events Stranger');
    const mine = await subscribe(team.viewer.token);
    const theirs = await subscribe(stranger.token);
    await warmUp(mine);
    const strangerAssessment = await create('Stranger secret', stranger.token);
    await theirs.waitFor(1);
    expect(theirs.results.map((result) => result.data!.riskAssessmentEvents.assessmentId)).toEqual([strangerAssessment]);
    // Marker: a later event of my tenant. Had the stranger's event been sent to me, it came first.
    const marker = await create('warm-up marker');
    await eventually(() => JSON.stringify(mine.results).includes(marker), 5000, 'the marker event of my tenant');
    expect(JSON.stringify(mine.results)).not.toContain(strangerAssessment);
    expect(mine.results.every((result) => String(result.data!.riskAssessmentEvents.data.title).startsWith('warm-up'))).toBe(true);
  });

  it('subscribing needs a token with risk.assessment.read', async () => {
    const anonymous = await subscribe(undefined);
    const [result] = await anonymous.waitFor(1);
    expect(result!.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result!.data ?? null).toBeNull();
  });
});
