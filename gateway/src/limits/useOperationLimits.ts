import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, Kind, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { OperationLimits } from '../config';

type RejectCallback = (context: ValidationContext | null, error: GraphQLError) => void;

/** graphql-armor reports a violation through a callback; ours re-raises it with a stable code. */
function reportWithCode(code: string): { onReject: RejectCallback[]; propagateOnRejection: false } {
  return {
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } }));
      },
    ],
  };
}

/** Not in graphql-armor: many root fields fan out to many subgraph calls at once. */
function maxRootFieldsRule(limit: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const rootFields = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).length;
      if (rootFields > limit) {
        context.reportError(
          new GraphQLError(`Root field limit of ${limit} exceeded, found ${rootFields}.`, {
            nodes: [operation],
            extensions: { code: 'MAX_ROOT_FIELDS_EXCEEDED' },
          }),
        );
      }
    },
  });
}

/**
 * Static limits on the operation document (graphql-armor rules for depth, aliases, directives,
 * tokens and cost; root fields by hand). Each violation carries its own `extensions.code`.
 */
export function useOperationLimits(limits: OperationLimits): Plugin {
  const rules: ValidationRule[] = [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportWithCode('MAX_DEPTH_EXCEEDED') }) as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...reportWithCode('MAX_ALIASES_EXCEEDED') }) as ValidationRule,
    maxDirectivesRule({ n: limits.maxDirectives, ...reportWithCode('MAX_DIRECTIVES_EXCEEDED') }) as ValidationRule,
    costLimitRule({ maxCost: limits.maxCost, flattenFragments: true, ...reportWithCode('COST_LIMIT_EXCEEDED') }) as ValidationRule,
    maxRootFieldsRule(limits.maxRootFields),
  ];
  const parseWithTokenLimit = (source: string) => {
    const parser = new MaxTokensParserWLexer(source, {
      n: limits.maxTokens,
      onReject: [
        () => {
          // Thrown from the lexer: parsing stops at the limit instead of reading the rest.
          throw new GraphQLError(`Token limit of ${limits.maxTokens} exceeded.`, {
            extensions: { code: 'MAX_TOKENS_EXCEEDED' },
          });
        },
      ],
    });
    return parser.parseDocument();
  };
  return {
    onParse({ setParseFn }) {
      setParseFn((source) => parseWithTokenLimit(typeof source === 'string' ? source : source.body));
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
