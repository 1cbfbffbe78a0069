import type { AgentSettings } from '../settings/agentSettings';
import type { SubjectType } from '../subjects/subject';

/** A JSON Schema (draft 2020-12 subset that ajv understands) as plain data. */
export type JsonSchema = Record<string, unknown>;

/** What workers can be asked to do: its contract for input and result. */
export interface TaskTypeDefinition {
  name: string;
  description: string;
  /** The entity the task must be about, or null when it needs none. */
  subjectType: SubjectType | null;
  inputSchema: JsonSchema;
  resultSchema: JsonSchema;
  /** Fills tenant settings (review thresholds) into input that does not set them. */
  withDefaults?(input: Record<string, unknown>, settings: AgentSettings): Record<string, unknown>;
}
