import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { BadUserInputError } from '@hub/core';
import { portfolioReviewTaskType } from './portfolioReview';
import { reportCompileTaskType } from './reportCompile';
import { riskReviewTaskType } from './riskReview';
import type { TaskTypeDefinition } from './taskType';

interface CompiledTaskType {
  definition: TaskTypeDefinition;
  validateInput: ValidateFunction;
  validateResult: ValidateFunction;
}

/** Violations as safe, client-visible details (JSON pointer and ajv's message; never the value). */
function violations(errors: ErrorObject[] | null | undefined): Array<{ path: string; message: string }> {
  return (errors ?? []).map((error) => ({ path: error.instancePath || '/', message: error.message ?? 'is invalid' }));
}

/** The task types this coordinator accepts, with their schemas compiled once. */
export class TaskTypeRegistry {
  private readonly types = new Map<string, CompiledTaskType>();

  constructor(definitions: readonly TaskTypeDefinition[] = [riskReviewTaskType, portfolioReviewTaskType, reportCompileTaskType]) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const definition of definitions) {
      this.types.set(definition.name, {
        definition,
        validateInput: ajv.compile(definition.inputSchema),
        validateResult: ajv.compile(definition.resultSchema),
      });
    }
  }

  list(): TaskTypeDefinition[] {
    return [...this.types.values()].map((type) => type.definition);
  }

  get(name: string): TaskTypeDefinition {
    return this.compiled(name).definition;
  }

  has(name: string): boolean {
    return this.types.has(name);
  }

  validateInput(name: string, input: unknown): asserts input is Record<string, unknown> {
    const type = this.compiled(name);
    if (!type.validateInput(input)) {
      throw new BadUserInputError(`Input does not match the schema of task type ${name}`, {
        violations: violations(type.validateInput.errors),
      });
    }
  }

  validateResult(name: string, result: unknown): asserts result is Record<string, unknown> {
    const type = this.compiled(name);
    if (!type.validateResult(result)) {
      throw new BadUserInputError(`Result does not match the result schema of task type ${name}`, {
        violations: violations(type.validateResult.errors),
      });
    }
  }

  private compiled(name: string): CompiledTaskType {
    const type = this.types.get(name);
    if (!type) throw new BadUserInputError(`Unknown task type ${name}`, { field: 'type' });
    return type;
  }
}
