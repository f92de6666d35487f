// The part of js-yaml 4's API the routes file uses (the package ships no types; @types/js-yaml
// can replace this file).
declare module 'js-yaml' {
  export interface Mark {
    line: number;
    column: number;
  }
  export class YAMLException extends Error {
    reason: string;
    mark?: Mark;
  }
  export const JSON_SCHEMA: unknown;
  export function load(source: string, options?: { filename?: string; schema?: unknown; json?: boolean }): unknown;
}
