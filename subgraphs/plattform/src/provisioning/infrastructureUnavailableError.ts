import { DomainError } from '@hub/core';

/** The tenant's infrastructure refused or could not take a change; nothing was recorded. */
export class InfrastructureUnavailableError extends DomainError {
  readonly code = 'INTERNAL';
}
