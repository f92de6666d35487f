import type { FakeSlackState, ThreadTsPolicy } from '../types.js';
import type { ParsedBody, Params } from '../wire.js';

export interface Settings {
  maxBlocksTextChars: number;
  longText: 'reject' | 'truncate';
  threadTsPolicy: ThreadTsPolicy;
  tsBase: number;
  /** What apps.connections.open answers (FakeSlackOptions.socketModeUrl). */
  socketModeUrl: (() => string) | undefined;
}

export interface MethodContext {
  params: Params;
  state: FakeSlackState;
  settings: Settings;
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  baseUrl: string;
  now: number;
  bodyKind: ParsedBody['kind'];
}

/** Returns the fields of an ok:true answer, or throws SlackApiError. */
export type Handler = (ctx: MethodContext) => Record<string, unknown>;

export interface MethodSpec {
  handler: Handler;
  /** Scopes of which the token needs at least one (https://docs.slack.dev/reference/methods/<method>#facts). */
  scopes: readonly string[];
  /** Which token the method takes: the bot token (default) or the app-level token (`xapp-…`). */
  token?: 'bot' | 'app';
}
