import type { SupergraphGeneration, SupergraphGenerationPlugin } from '../supergraph/supergraphGeneration';
import { AuthorizationRules } from './authorizationRules';

const rulesByGeneration = new WeakMap<SupergraphGeneration, AuthorizationRules>();

function readRules(generation: SupergraphGeneration): AuthorizationRules {
  // From the SDL as offered: composition keeps the directives there, the API schema drops them.
  const rules = new AuthorizationRules(generation.sdl, generation.schema);
  rulesByGeneration.set(generation, rules);
  return rules;
}

/** Reads every generation's access rules before it serves (at start and on each swap). */
export const authorizationRulesPerGeneration: SupergraphGenerationPlugin = {
  name: 'authorization-rules',
  onGeneration: (generation) => void readRules(generation),
};

/** The access rules of a generation (read on first use where the plugin did not run, as in tests). */
export function authorizationRulesFor(generation: SupergraphGeneration): AuthorizationRules {
  return rulesByGeneration.get(generation) ?? readRules(generation);
}
