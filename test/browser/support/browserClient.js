// What a page on another origin than the gateway does to log in and subscribe; loaded by the
// browser tests' page server. Plain browser JavaScript on the UMD bundles `graphqlWs` and `graphqlSse`.
window.hub = (() => {
  const state = { events: [], errors: [], tokensSent: [], lastEventId: null };
  let gateway = null;
  let session = null;
  let wsClient = null;
  let eventSource = null;

  const bearer = () => `Bearer ${session.accessToken}`;

  async function graphql(query, variables, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(gateway, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  const record = {
    next: (result) => state.events.push(result),
    error: (error) => state.errors.push(error && error.code ? `close ${error.code}` : String((error && error.message) || error)),
    complete: () => undefined,
  };

  return {
    state,
    use(url) {
      gateway = url;
    },
    async login(email, password) {
      const data = await graphql('mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }', { email, password });
      session = data.login;
      return true;
    },
    async refresh() {
      const data = await graphql('mutation Refresh($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken refreshToken } }', { refreshToken: session.refreshToken });
      session = data.refreshToken;
      return true;
    },
    /** graphql-ws: the token is read again on every (re)connect, so a refreshed one is used. */
    subscribeOverWebSocket(query, variables) {
      wsClient = graphqlWs.createClient({
        url: gateway.replace(/^http/, 'ws'),
        connectionParams: () => {
          state.tokensSent.push(session.accessToken);
          return { authorization: bearer() };
        },
        retryAttempts: 5,
        retryWait: () => new Promise((resolve) => setTimeout(resolve, 200)),
      });
      wsClient.subscribe({ query, variables }, record);
    },
    /** Drops the socket as a network blip would; graphql-ws reconnects and resubscribes. */
    dropWebSocket() {
      wsClient.terminate();
    },
    /** graphql-sse (distinct connections): a fetch with Authorization, re-read on every connect. */
    subscribeOverSse(query, variables) {
      graphqlSse.createClient({ url: gateway, singleConnection: false, headers: () => ({ authorization: bearer() }) }).subscribe({ query, variables }, record);
    },
    /** Plain EventSource: a single-use ticket bought with the token, in the URL; resumes with resumeFrom. */
    async subscribeWithEventSource(query, variables, resumeFrom) {
      const response = await fetch(new URL('/subscription-tickets', gateway), { method: 'POST', headers: { authorization: bearer() } });
      if (response.status !== 201) throw new Error(`ticket refused: ${response.status}`);
      const { ticket } = await response.json();
      const url = new URL(gateway);
      url.searchParams.set('query', query);
      url.searchParams.set('variables', JSON.stringify(variables));
      url.searchParams.set('ticket', ticket);
      if (resumeFrom) url.searchParams.set('extensions', JSON.stringify({ resumeFrom }));
      eventSource = new EventSource(url);
      await new Promise((resolve, reject) => {
        eventSource.onopen = resolve;
        eventSource.onerror = () => reject(new Error('EventSource refused'));
      });
      eventSource.onerror = () => state.errors.push('EventSource error');
      eventSource.addEventListener('next', (event) => {
        state.lastEventId = event.lastEventId || state.lastEventId;
        state.events.push(JSON.parse(event.data));
      });
    },
    closeEventSource() {
      eventSource.close();
    },
    /** What a page on a disallowed origin gets: each attempt's outcome as a word. */
    async probe() {
      const http = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) })
        .then((response) => `status ${response.status}`)
        .catch(() => 'blocked');
      const webSocket = await new Promise((resolve) => {
        const socket = new WebSocket(gateway.replace(/^http/, 'ws'), 'graphql-transport-ws');
        socket.onopen = () => {
          socket.close();
          resolve('open');
        };
        socket.onclose = (event) => resolve(`closed ${event.code}`);
      });
      const ticket = await fetch(new URL('/subscription-tickets', gateway), { method: 'POST', headers: { authorization: 'Bearer x' } })
        .then((response) => `status ${response.status}`)
        .catch(() => 'blocked');
      return { http, webSocket, ticket };
    },
  };
})();
// The tests' page functions reach the client through this (their own closures do not travel).
window.hubOf = () => window.hub;
