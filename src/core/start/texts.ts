/** The words a template or a saved reply becomes once its blanks are filled. */

/** Positional variables `{{1}}`, `{{2}}`… of a template body (each counted once). */
export function countVariables(body: string): number {
  return new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => m[1])).size;
}

/** The body as the contact will read it; a variable without a value stays `{{n}}`. */
export function fillTemplate(body: string, params: readonly string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (all, n: string) => params[Number(n) - 1]?.trim() || all);
}

export interface ReplyPlaceholders {
  name: string;
  ticket: string;
  agent: string;
}

/** `{name}`, `{ticket}`, `{agent}` filled in; anything else in braces is left as written. */
export function fillSavedReply(text: string, values: ReplyPlaceholders): string {
  return text.replace(/\{(name|ticket|agent)\}/g, (_, key: keyof ReplyPlaceholders) => values[key]);
}

/** A saved reply's name: what `/whatsapp reply <name>` types. */
export const REPLY_NAME = /^[\p{L}\p{N}_-]{1,40}$/u;
