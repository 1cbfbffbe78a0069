import type { GraphiQLOptions, YogaServerOptions } from 'graphql-yoga';

/** The browser title of the gateway's GraphiQL page. */
export const GRAPHIQL_TITLE = 'Hub graph · GraphiQL';

export interface GraphiQLPageOptions {
  /** Production serves no GraphiQL at all. */
  production: boolean;
  /** Development only (the dev stack): the demo login, so a first query works without copying a token. */
  demo?: DemoLogin;
}

export interface DemoLogin {
  email: string;
  password: string;
  /** The `Authorization` header value GraphiQL opens with: a current token of the demo user. */
  authorization(): Promise<string | null>;
}

const ME_QUERY = 'query Me { me { user { displayName } organization { name } } }';

const LOGIN_MUTATION = `# Log in, then put the accessToken into the Headers tab as
# {"Authorization": "Bearer <accessToken>"}
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken expiresIn organization { name } }
}`;

/**
 * GraphiQL with its assets from the npm package `@graphql-yoga/render-graphiql` (inlined in the
 * page), so it renders without internet access; yoga's default renderer loads them from a CDN.
 * The renderer (several MB) is loaded on the first page request, not at gateway start.
 */
export function graphiqlPage(options: GraphiQLPageOptions): Pick<YogaServerOptions<object, object>, 'graphiql' | 'renderGraphiQL'> {
  if (options.production) return { graphiql: false };
  return {
    renderGraphiQL: async (graphiqlOptions) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(graphiqlOptions),
    graphiql: async (): Promise<GraphiQLOptions> => {
      const authorization = (await options.demo?.authorization().catch(() => null)) ?? null;
      const headers = JSON.stringify(authorization ? { Authorization: authorization } : { Authorization: 'Bearer <accessToken>' }, null, 2);
      return {
        title: GRAPHIQL_TITLE,
        defaultTabs: [
          { query: ME_QUERY, headers },
          { query: LOGIN_MUTATION, variables: JSON.stringify({ email: options.demo?.email ?? '', password: options.demo?.password ?? '' }, null, 2) },
        ],
        headers,
      };
    },
  };
}
