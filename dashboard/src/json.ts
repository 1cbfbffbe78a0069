/** What a `JSON` scalar carries: any JSON value, typed (the codegen maps the scalar here). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
