import { createRequire } from 'node:module';
import { z } from 'zod';
import { DEFAULT_ROUTE, ROUTE_NAME } from './core/routes.js';

/**
 * Routes: which WhatsApp number goes to which Slack channel and Jira service desk. Without
 * ROUTES_FILE the single-number settings form one implicit route, named `default`; with it, the
 * file lists every route. The `default` route owns every conversation recorded before routes
 * existed: name the old number's route `default` in the file to keep its cards and threads.
 */

export { DEFAULT_ROUTE } from './core/routes.js';

export interface CloudRoute {
  transport: 'cloud';
  phoneNumberId: string;
  token: string;
  /** The account's templates (the picker, when the window is closed). */
  businessAccountId?: string;
}

export interface WebRoute {
  transport: 'web';
  /** Where the linked device's keys are kept in the store; `default` for the implicit route. */
  session: string;
}

export interface RouteConfig {
  name: string;
  /** What people call the number (the card, the start modal's "Send from"); absent: the route's name. */
  label?: string;
  whatsapp: CloudRoute | WebRoute;
  /** Channel id or name, as SLACK_CHANNEL. */
  slackChannel: string;
  /** Absent: the Jira defaults (JIRA_SERVICE_DESK_ID, JIRA_REQUEST_TYPE_ID), or no tickets without Jira. */
  jira?: { serviceDeskId: string; requestTypeId: string };
}

const LABEL_MAX = 60;
const CHANNEL = /^[a-z0-9_-]{1,80}$|^[CG][A-Z0-9]{6,}$/;

/** An id written bare in YAML is a number: read as its digits, unless it is too long for a number to hold. */
const numericId = (what: string) =>
  z
    .union([z.string(), z.number()], { error: `expected ${what} (digits, in quotes)` })
    .refine((v) => typeof v === 'string' || Number.isSafeInteger(v), { error: `${what} is too long to write bare: put it in quotes` })
    .transform((v) => String(v).trim())
    .pipe(z.string().regex(/^\d+$/, { error: `expected ${what} (digits only)` }));

const cloudSchema = z.strictObject({
  transport: z.literal('cloud'),
  phone_number_id: numericId('the Cloud API phone number id'),
  business_account_id: numericId('the WhatsApp Business Account id').optional(),
  token_env: z
    .string({ error: 'expected the name of the environment variable holding this account’s access token' })
    .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name such as WHATSAPP_TOKEN_SALES' })
    .optional(),
});

const webSchema = z.strictObject({
  transport: z.literal('web'),
});

const routeSchema = z.strictObject({
  name: z.string({ error: 'expected a name' }).regex(ROUTE_NAME, { error: 'expected a short name: lower-case letters, digits and dashes (up to 32)' }),
  label: z
    .string({ error: 'expected a short label in words, such as Sales desk (up to 60 characters)' })
    .trim()
    .min(1, { error: 'expected a short label in words, such as Sales desk (up to 60 characters)' })
    .refine((v) => [...v].length <= LABEL_MAX, { error: `expected a label of up to ${LABEL_MAX} characters` })
    .optional(),
  whatsapp: z.discriminatedUnion('transport', [cloudSchema, webSchema], { error: 'expected transport: cloud or transport: web' }),
  slack_channel: z
    .string({ error: 'expected a channel ID like C0123456789 or a name like #support' })
    .trim()
    .transform((v) => v.replace(/^#/, ''))
    .pipe(z.string().regex(CHANNEL, { error: 'expected a channel ID like C0123456789 or a channel name like #support' })),
  jira: z
    .strictObject({
      service_desk_id: numericId('the numeric service desk id'),
      request_type_id: numericId('the numeric request type id'),
    })
    .optional(),
});

const fileSchema = z.strictObject({
  routes: z.array(routeSchema, { error: 'expected a list of routes' }).min(1, { error: 'expected at least one route' }),
});

type Env = Record<string, string | undefined>;

/** Reads the routes file's text; problems are returned one line each, naming the route and field. */
export function parseRoutesFile(text: string, fileName: string, env: Env): { routes: RouteConfig[]; problems: string[] } {
  // Loaded only when there is a routes file: the single-number setup does without it.
  const { JSON_SCHEMA, load, YAMLException } = createRequire(import.meta.url)('js-yaml') as typeof import('js-yaml');
  let raw: unknown;
  try {
    // The JSON schema: `yes`, `on`, dates and octal-looking ids stay what they look like.
    raw = load(text, { filename: fileName, schema: JSON_SCHEMA });
  } catch (err) {
    const where = err instanceof YAMLException && err.mark ? ` (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : '';
    const why = err instanceof YAMLException ? err.reason : String(err);
    return { routes: [], problems: [`ROUTES_FILE ${fileName} is not valid YAML${where}: ${why}`] };
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return { routes: [], problems: parsed.error.issues.map((issue) => `ROUTES_FILE ${fileName}: ${pathOf(issue.path, raw)}: ${issue.message}`) };
  }
  const problems: string[] = [];
  const routes = parsed.data.routes.map((r): RouteConfig => {
    const here = `ROUTES_FILE ${fileName}: route ${r.name}`;
    let whatsapp: RouteConfig['whatsapp'];
    if (r.whatsapp.transport === 'cloud') {
      const tokenEnv = r.whatsapp.token_env ?? 'WHATSAPP_TOKEN';
      const token = env[tokenEnv]?.trim();
      if (!token) problems.push(`${here}: ${tokenEnv} is required: the Cloud API access token of this number’s account`);
      whatsapp = { transport: 'cloud', phoneNumberId: r.whatsapp.phone_number_id, token: token ?? '', ...(r.whatsapp.business_account_id ? { businessAccountId: r.whatsapp.business_account_id } : {}) };
    } else {
      whatsapp = { transport: 'web', session: r.name };
    }
    const jira = r.jira ? { serviceDeskId: r.jira.service_desk_id, requestTypeId: r.jira.request_type_id } : undefined;
    return { name: r.name, ...(r.label ? { label: r.label } : {}), whatsapp, slackChannel: r.slack_channel, ...(jira ? { jira } : {}) };
  });
  problems.push(...duplicates(routes, (r) => r.name, (name) => `two routes are named ${name}: names must differ`));
  problems.push(
    ...duplicates(
      routes.filter((r) => r.whatsapp.transport === 'cloud'),
      (r) => (r.whatsapp as CloudRoute).phoneNumberId,
      (id) => `two routes have phone_number_id ${id}: one number, one route`,
    ).map((p) => `ROUTES_FILE ${fileName}: ${p}`),
  );
  return { routes, problems: problems.map((p) => (p.startsWith('ROUTES_FILE') ? p : `ROUTES_FILE ${fileName}: ${p}`)) };
}

function duplicates<T>(items: T[], key: (t: T) => string, say: (k: string) => string): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) out.add(say(k));
    seen.add(k);
  }
  return [...out];
}

/** `routes[1].whatsapp.phone_number_id` reads better as `route sales: whatsapp.phone_number_id`. */
function pathOf(path: PropertyKey[], raw: unknown): string {
  if (path[0] !== 'routes' || typeof path[1] !== 'number') return path.length ? path.join('.') : 'the file';
  const name = (raw as { routes?: Array<{ name?: unknown }> }).routes?.[path[1]]?.name;
  const which = typeof name === 'string' && name ? `route ${name}` : `route ${path[1] + 1}`;
  const rest = path.slice(2).join('.');
  return rest ? `${which}: ${rest}` : which;
}

/** The single-number settings as one route (the only one without ROUTES_FILE). */
export function implicitRoute(c: {
  WHATSAPP_TRANSPORT: 'cloud' | 'web';
  WHATSAPP_PHONE_NUMBER_ID?: string;
  WHATSAPP_TOKEN?: string;
  WHATSAPP_BUSINESS_ACCOUNT_ID?: string;
  SLACK_CHANNEL: string;
}): RouteConfig {
  const whatsapp: RouteConfig['whatsapp'] =
    c.WHATSAPP_TRANSPORT === 'cloud'
      ? { transport: 'cloud', phoneNumberId: c.WHATSAPP_PHONE_NUMBER_ID!, token: c.WHATSAPP_TOKEN!, ...(c.WHATSAPP_BUSINESS_ACCOUNT_ID ? { businessAccountId: c.WHATSAPP_BUSINESS_ACCOUNT_ID } : {}) }
      : { transport: 'web', session: DEFAULT_ROUTE };
  return { name: DEFAULT_ROUTE, whatsapp, slackChannel: c.SLACK_CHANNEL };
}
