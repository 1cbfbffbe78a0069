import { TestEnvironment } from 'jest-environment-node';

/**
 * jest's node environment, plus the explicit-resource-management symbols. Node 22 defines
 * `Symbol.dispose`/`Symbol.asyncDispose` in its main realm only, so the vm realm the tests run in
 * lacks them; undici 8's fetch (under @kubernetes/client-node 2) reads `Symbol.dispose` there to
 * remove its abort listeners and would throw. The host's symbols are the ones Node's own objects use.
 */
export default class NodeRealmEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const realmSymbol = this.global.Symbol as unknown as Record<'dispose' | 'asyncDispose', symbol | undefined>;
    for (const name of ['dispose', 'asyncDispose'] as const) {
      if (realmSymbol[name] === undefined) Object.defineProperty(realmSymbol, name, { value: Symbol[name] });
    }
  }
}
