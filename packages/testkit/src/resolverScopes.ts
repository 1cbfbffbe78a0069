import { resolve } from 'node:path';
import ts from 'typescript';
import { REPOSITORY_ROOT } from './repositoryRoot';

/** What a resolver checks before it answers: the scopes it demands, or only that someone is signed in. */
export interface ResolverCheck {
  /** `Type.field`, or `Type` for an entity's `__resolveReference`. */
  coordinate: string;
  scopes: string[];
  authenticated: boolean;
}

/** requireScope / requireIdentity, which the subgraphs import through the kit's re-export. */
const RUNTIME_IDENTITY = resolve(REPOSITORY_ROOT, 'packages/runtime/src/identity/identity.ts');
const MAX_DEPTH = 4;

function literalStrings(checker: ts.TypeChecker, node: ts.Expression): string[] | null {
  const type = checker.getTypeAtLocation(node);
  const parts = type.isUnion() ? type.types : [type];
  if (!parts.every((part) => part.isStringLiteral())) return null;
  return parts.map((part) => (part as ts.StringLiteralType).value);
}

/** The GraphQL type an object literal of resolvers is for, from codegen's `<Type>Resolvers` type. */
function resolverTypeOf(checker: ts.TypeChecker, literal: ts.ObjectLiteralExpression): string | null {
  const contextual = checker.getContextualType(literal) ?? checker.getTypeAtLocation(literal);
  let type = checker.getNonNullableType(contextual);
  // `Pick<QueryResolvers, 'a' | 'b'>`: the resolvers of a few fields of that type.
  if (type.aliasSymbol?.getName() === 'Pick' && type.aliasTypeArguments?.[0]) type = type.aliasTypeArguments[0];
  const name = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
  const match = name ? /^(\w+)Resolvers$/.exec(name) : null;
  return match && match[1] !== '' ? match[1]! : null;
}

/**
 * Follows every call a resolver makes (into this repository's own functions and methods, a few
 * levels deep) and collects the `requireScope` / `requireIdentity` checks of @hub/core it reaches,
 * with scope arguments resolved through constants and through helpers' parameters.
 */
class CheckCollector {
  constructor(private readonly checker: ts.TypeChecker) {}

  collect(body: ts.Node): { scopes: Set<string>; authenticated: boolean } {
    const found = { scopes: new Set<string>(), authenticated: false };
    this.walk(body, new Map(), found, 0, new Set());
    return found;
  }

  private walk(node: ts.Node, bound: Map<ts.Symbol, string[]>, found: { scopes: Set<string>; authenticated: boolean }, depth: number, visiting: Set<ts.Node>): void {
    if (ts.isCallExpression(node)) this.call(node, bound, found, depth, visiting);
    ts.forEachChild(node, (child) => this.walk(child, bound, found, depth, visiting));
  }

  private scopeValues(argument: ts.Expression, bound: Map<ts.Symbol, string[]>): string[] | null {
    const symbol = ts.isIdentifier(argument) ? this.checker.getSymbolAtLocation(argument) : undefined;
    if (symbol && bound.has(symbol)) return bound.get(symbol)!;
    return literalStrings(this.checker, argument);
  }

  private call(call: ts.CallExpression, bound: Map<ts.Symbol, string[]>, found: { scopes: Set<string>; authenticated: boolean }, depth: number, visiting: Set<ts.Node>): void {
    const declaration = this.checker.getResolvedSignature(call)?.getDeclaration();
    if (!declaration) return;
    const file = declaration.getSourceFile().fileName;
    const name = declaration.name && ts.isIdentifier(declaration.name) ? declaration.name.text : '';
    if (resolve(file) === RUNTIME_IDENTITY && name === 'requireScope') {
      const scopes = call.arguments[1] ? this.scopeValues(call.arguments[1], bound) : null;
      if (!scopes) throw new Error(`requireScope with a scope that is not a known string at ${call.getSourceFile().fileName}:${call.getStart()}`);
      for (const scope of scopes) found.scopes.add(scope);
      found.authenticated = true;
      return;
    }
    if (resolve(file) === RUNTIME_IDENTITY && name === 'requireIdentity') {
      found.authenticated = true;
      return;
    }
    if (file.includes('node_modules') || file.endsWith('.d.ts') || !('body' in declaration) || !declaration.body) return;
    if (depth >= MAX_DEPTH || visiting.has(declaration)) return;
    const inner = new Map(bound);
    declaration.parameters.forEach((parameter, index) => {
      const argument = call.arguments[index];
      const values = argument ? this.scopeValues(argument, bound) : null;
      const symbol = this.checker.getSymbolAtLocation(parameter.name);
      if (values && symbol) inner.set(symbol, values);
    });
    visiting.add(declaration);
    this.walk(declaration.body as ts.Node, inner, found, depth + 1, visiting);
    visiting.delete(declaration);
  }
}

function functionOf(property: ts.ObjectLiteralElementLike): ts.Node | null {
  if (ts.isMethodDeclaration(property)) return property.body ?? null;
  if (!ts.isPropertyAssignment(property)) return null;
  const value = property.initializer;
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value.body;
  // Subscriptions: { subscribe, resolve }
  if (ts.isObjectLiteralExpression(value)) return value;
  return null;
}

/** Every resolver of each subgraph (its `src/resolvers` folder) and the checks it makes, by subgraph folder. */
export function resolverChecks(subgraphDirs: readonly string[]): Map<string, ResolverCheck[]> {
  const program = ts.createProgram(subgraphDirs.map((dir) => resolve(dir, 'src/resolvers/index.ts')), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    esModuleInterop: true,
    experimentalDecorators: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const collector = new CheckCollector(checker);
  return new Map(subgraphDirs.map((dir) => [dir, checksIn(program, checker, collector, resolve(dir, 'src/resolvers'))]));
}

function checksIn(program: ts.Program, checker: ts.TypeChecker, collector: CheckCollector, resolversDir: string): ResolverCheck[] {
  const checks = new Map<string, ResolverCheck>();
  for (const source of program.getSourceFiles()) {
    if (!resolve(source.fileName).startsWith(resolversDir)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const typeName = resolverTypeOf(checker, node);
        if (typeName) {
          for (const property of node.properties) {
            const body = functionOf(property);
            const field = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : null;
            if (!body || !field) continue;
            const coordinate = field === '__resolveReference' ? typeName : `${typeName}.${field}`;
            const { scopes, authenticated } = collector.collect(body);
            checks.set(coordinate, { coordinate, scopes: [...scopes].sort(), authenticated });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return [...checks.values()].sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}
