import type { Client } from 'urql';
import type { SessionFieldsFragment } from '../graphql/graphql';
import { errorMessageOf } from '../live/errorCodes';
import { LoginMutation, LogoutMutation, RefreshMutation, SwitchOrganizationMutation } from './authOperations';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch, client clock). */
  expiresAt: number;
  user: { id: string; displayName: string; email: string };
  organization: { id: string; name: string };
}

export interface KnownOrganization {
  id: string;
  name: string;
}

/** Refresh this long before expiry (or at 80 % of a shorter lifetime). */
const REFRESH_MARGIN_MS = 60_000;
const SESSION_KEY = 'hub-dashboard.session';
const ORGANIZATIONS_KEY = 'hub-dashboard.organizations';

/**
 * The signed-in session: tokens, the organization they speak for, and the refresh before expiry.
 * Kept in sessionStorage (this tab only) so a reload stays signed in. Refresh tokens rotate; one
 * refresh runs at a time, so a spent token is never presented twice.
 */
export class SessionStore {
  private session: Session | null;
  private readonly listeners = new Set<() => void>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<void> | null = null;
  private client: Client | null = null;
  /** Called after the access token changed (the WebSocket must reconnect with it). */
  onTokenChanged: () => void = () => undefined;

  constructor() {
    this.session = readJson<Session>(sessionStorage, SESSION_KEY);
    if (this.session && this.session.expiresAt <= Date.now()) this.session = { ...this.session, expiresAt: Date.now() };
  }

  /** The GraphQL client is created with this store's token getter, then handed back here. */
  attach(client: Client): void {
    this.client = client;
    if (this.session) this.scheduleRefresh();
  }

  get current(): Session | null {
    return this.session;
  }

  get accessToken(): string | null {
    return this.session?.accessToken ?? null;
  }

  get knownOrganizations(): KnownOrganization[] {
    return readJson<KnownOrganization[]>(localStorage, ORGANIZATIONS_KEY) ?? [];
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Session | null => this.session;

  async login(email: string, password: string, organizationId?: string): Promise<void> {
    const result = await this.api().mutation(LoginMutation, { email, password, organizationId: organizationId ?? null }).toPromise();
    if (result.error || !result.data) throw new Error(errorMessageOf(result.error?.graphQLErrors.length ? result.error.graphQLErrors : result.error));
    this.replace(result.data.login);
  }

  async switchOrganization(organizationId: string): Promise<void> {
    const result = await this.api().mutation(SwitchOrganizationMutation, { organizationId }).toPromise();
    if (result.error || !result.data) throw new Error(errorMessageOf(result.error?.graphQLErrors.length ? result.error.graphQLErrors : result.error));
    this.replace(result.data.switchOrganization);
  }

  /** A fresh access token; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async logout(): Promise<void> {
    if (this.session) await this.api().mutation(LogoutMutation, {}).toPromise();
    this.replace(null);
  }

  private async runRefresh(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    if (!refreshToken) throw new Error('Not signed in');
    const result = await this.api().mutation(RefreshMutation, { refreshToken }).toPromise();
    if (result.data) return this.replace(result.data.refreshToken);
    // A network error leaves the session as it is and tries again; a refusal ends it.
    if (result.error?.networkError) {
      this.scheduleRefresh(5_000);
      throw result.error.networkError;
    }
    this.replace(null);
    throw new Error(errorMessageOf(result.error?.graphQLErrors ?? 'refresh refused'));
  }

  private replace(payload: SessionFieldsFragment | null): void {
    const previousToken = this.session?.accessToken ?? null;
    this.session = payload
      ? {
          accessToken: payload.accessToken,
          refreshToken: payload.refreshToken,
          expiresAt: Date.now() + payload.expiresIn * 1000,
          user: payload.user,
          organization: payload.organization,
        }
      : null;
    if (this.session) {
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(this.session));
      this.remember(this.session.organization);
      this.scheduleRefresh();
    } else {
      sessionStorage.removeItem(SESSION_KEY);
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
    }
    if ((this.session?.accessToken ?? null) !== previousToken) this.onTokenChanged();
    for (const listener of this.listeners) listener();
  }

  private remember(organization: KnownOrganization): void {
    const others = this.knownOrganizations.filter((known) => known.id !== organization.id);
    localStorage.setItem(ORGANIZATIONS_KEY, JSON.stringify([...others, { id: organization.id, name: organization.name }]));
  }

  private scheduleRefresh(delayMs?: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (!this.session) return;
    const lifetime = this.session.expiresAt - Date.now();
    const delay = delayMs ?? Math.max(0, Math.min(lifetime - REFRESH_MARGIN_MS, lifetime * 0.8));
    this.refreshTimer = setTimeout(() => void this.refresh().catch(() => undefined), delay);
  }

  private api(): Client {
    if (!this.client) throw new Error('SessionStore used before attach()');
    return this.client;
  }
}

function readJson<T>(storage: Storage, key: string): T | null {
  try {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}
