import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { implicitRoute, parseRoutesFile, type RouteConfig } from './routes-file.js';
import { legacySlackApiUrl } from './legacy-slack-url.js';

/**
 * Every setting of CONTRACT.md, parsed once. `loadConfig` is pure: it takes an env record and
 * returns a typed config plus warnings, or throws a ConfigError with every problem at once, one
 * line each naming the variable and what it expects (never its value: most of them are secrets).
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.map((problem) => `Invalid configuration: ${problem}`).join('\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Keys of the earlier WhatsAppInSlack tool that map onto a current setting. */
const ALIASES: ReadonlyArray<[legacy: string, current: string]> = [
  ['SLACK_TOKEN', 'SLACK_BOT_TOKEN'],
  ['WHATSAPP_CHANNEL_NAME', 'SLACK_CHANNEL'],
];

/** Keys of the earlier tool that no longer mean anything: one warning each. */
const RETIRED: Record<string, string> = {
  SLACK_WEBHOOK_URL: 'incoming webhooks are not used; messages are posted with SLACK_BOT_TOKEN',
  WHATSAPP_PUPPETEER_EXECUTABLE_PATH: 'no browser is needed; WhatsApp Web runs over Baileys',
};

const optionalText = z.string().trim().min(1).optional();
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveInt = (fallback: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .positive({ error: `expected ${what}` })
    .default(fallback);

/** A comma-separated list of names (Jira transitions or statuses), compared without case. */
const nameList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.split(',').map((n) => n.trim()).filter(Boolean))
    .refine((names) => names.length > 0, { error: 'expected one or more names separated by commas' });

const httpUrl = (what: string) => z.url({ protocol: /^https?$/, error: `expected ${what}` });

const schema = z.object({
  HOST: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(v), {
      error: 'expected an address to listen on: 0.0.0.0 (every IPv4 interface), :: (every interface), 127.0.0.1, or a host name',
    })
    .default('0.0.0.0'),
  PORT: z.coerce
    .number({ error: 'expected a TCP port number (1-65535)' })
    .int({ error: 'expected a TCP port number (1-65535)' })
    .min(0, { error: 'expected a TCP port number (1-65535)' })
    .max(65535, { error: 'expected a TCP port number (1-65535)' })
    .default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+|mongodb(\+srv)?:\/\/.+)$/, {
      error: 'expected sqlite:<path>, postgres://…, postgresql://…, mongodb://… or mongodb+srv://…',
    })
    .optional(),
  LOG_LEVEL: z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` }).default('info'),
  LOCALE: z.enum(['en', 'pt-BR'], { error: 'expected en or pt-BR' }).default('en'),
  ADMIN_TOKEN: z.string().min(16, { error: 'expected a secret of at least 16 characters' }).optional(),
  METRICS_TOKEN: z.string().min(16, { error: 'expected a secret of at least 16 characters' }).optional(),

  SLACK_BOT_TOKEN: z
    .string({ error: 'is required: a Slack bot token starting with "xoxb-"' })
    .trim()
    .startsWith('xoxb-', { error: 'expected a Slack bot token starting with "xoxb-"' }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .startsWith('xapp-', { error: 'expected a Slack app-level token starting with "xapp-"' })
    .optional(),
  SLACK_CHANNEL: z
    .string()
    .trim()
    .transform((v) => v.replace(/^#/, ''))
    .pipe(
      z.string().regex(/^[a-z0-9_-]{1,80}$|^[CG][A-Z0-9]{6,}$/, {
        error: 'expected a channel ID like C0123456789 or a channel name like #support',
      }),
    )
    .optional(),
  SLACK_API_URL: httpUrl('an http(s) URL such as https://slack.com/api/').default('https://slack.com/api/'),

  // Several numbers, each to its channel and service desk (src/routes-file.ts); unset: the single-number settings.
  ROUTES_FILE: optionalText,
  WHATSAPP_TRANSPORT: z.enum(['cloud', 'web'], { error: 'expected cloud or web' }),
  WHATSAPP_TOKEN: optionalText,
  WHATSAPP_PHONE_NUMBER_ID: z.string().trim().regex(/^\d+$/, { error: 'expected the numeric phone number id' }).optional(),
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.string().trim().regex(/^\d+$/, { error: 'expected the numeric WhatsApp Business Account id (WABA id)' }).optional(),
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_GRAPH_URL: httpUrl('an http(s) URL with the API version, such as https://graph.facebook.com/v23.0').default(
    'https://graph.facebook.com/v23.0',
  ),

  JIRA_BASE_URL: httpUrl('an http(s) URL such as https://example.atlassian.net').optional(),
  JIRA_EMAIL: z.email({ error: 'expected the e-mail address of the Jira account' }).optional(),
  JIRA_API_TOKEN: optionalText,
  JIRA_SERVICE_DESK_ID: z.string().trim().regex(/^\d+$/, { error: 'expected a numeric service desk id' }).optional(),
  JIRA_REQUEST_TYPE_ID: z.string().trim().regex(/^\d+$/, { error: 'expected a numeric request type id' }).optional(),
  JIRA_WEBHOOK_SECRET: optionalText,

  QUEUE_CONCURRENCY: positiveInt(8, 'a positive whole number of jobs run at once'),
  QUEUE_PREFETCH: z.coerce
    .number({ error: 'expected a whole number of jobs (0 or more) claimed ahead of a free slot' })
    .int({ error: 'expected a whole number of jobs (0 or more) claimed ahead of a free slot' })
    .min(0, { error: 'expected a whole number of jobs (0 or more) claimed ahead of a free slot' })
    .optional(),
  QUEUE_MAX_ATTEMPTS: positiveInt(10, 'a positive whole number of attempts before a job is dead-lettered'),
  QUEUE_LEASE_MS: positiveInt(15_000, 'a lease length in milliseconds'),
  QUEUE_JOB_DEADLINE_MS: positiveInt(5 * 60_000, 'the longest one job attempt may run, in milliseconds'),
  QUEUE_MAX_CRASHES: positiveInt(3, 'how many times a job may take its worker down before it is dead-lettered'),
  SLACK_TIMEOUT_MS: positiveInt(15_000, 'a time in milliseconds to wait for a Slack Web API call'),
  WHATSAPP_TIMEOUT_MS: positiveInt(30_000, 'a time in milliseconds to wait for a WhatsApp Graph API call'),
  HTTP_BODY_LIMIT_BYTES: positiveInt(1_048_576, 'a request body limit in bytes'),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000, 'a time in milliseconds a client has to send a whole request'),
  SHUTDOWN_TIMEOUT_MS: positiveInt(15_000, 'a time in milliseconds to finish in-flight work on SIGTERM'),
  MEDIA_MAX_BYTES: positiveInt(100 * 1024 * 1024, 'the largest media file relayed, in bytes'),
  SLACK_POSTS_PER_SECOND: z.coerce
    .number({ error: 'expected posts per second per channel, e.g. 1' })
    .positive({ error: 'expected posts per second per channel, e.g. 1' })
    .default(1),
  SLACK_POST_BURST: positiveInt(3, 'how many posts per channel may go out back to back'),
  NOTE_PREFIX: z.string().default('note:'),
  SIGN_REPLIES: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .default('true')
    .transform((v) => ['true', '1', 'yes'].includes(v)),
  WHATSAPP_TEMPLATE_NAME: optionalText,
  WHATSAPP_TEMPLATE_LANGUAGE: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { error: 'expected a template language code such as en_US or pt_BR' })
    .optional(),
  FFMPEG_PATH: z.string().trim().min(1).default('ffmpeg'),
  JIRA_CUSTOMER_EMAIL_DOMAIN: z
    .string()
    .trim()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, { error: 'expected a domain such as customers.example.com' })
    .optional(),
  JIRA_SUMMARY_TEMPLATE: z.string().trim().min(1).default('WhatsApp · {name} ({phone})'),
  JIRA_SLA_REFRESH_MS: positiveInt(5 * 60_000, 'how often SLAs are re-read, in milliseconds'),
  JIRA_SLA_WARN_MINUTES: positiveInt(30, 'minutes before a breach to warn in the thread'),
  JIRA_COMMENT_BATCH_MS: positiveInt(10_000, 'how long messages are gathered into one Jira comment, in milliseconds'),
  JIRA_TIMEOUT_MS: positiveInt(30_000, 'how long one Jira call may take before it is given up and retried, in milliseconds'),
  JIRA_RESOLVED_MESSAGE: optionalText,
  JIRA_WEBHOOK_SECRET_HEADER: z.string().trim().toLowerCase().default('x-switchboard-secret'),
  // Card actions (issue 12): a reply starting with this resolves the conversation after it is sent.
  RESOLVE_PREFIX: z.string().trim().default('resolve:'),
  // The Jira transitions the card's buttons apply, by transition or target status name, in order of preference.
  JIRA_TRANSITION_WAITING: nameList('Waiting for customer,Pending'),
  JIRA_TRANSITION_RESOLVE: nameList('Resolve,Resolve this issue,Resolved,Done,Close'),
  JIRA_TRANSITION_REOPEN: nameList('Reopen,Reopen issue,Back to in progress,In progress,Respond to customer'),
});

type Parsed = z.infer<typeof schema>;

/** Every variable the service reads, legacy aliases included. */
export const SETTING_NAMES: readonly string[] = [...Object.keys(schema.shape), ...ALIASES.map(([legacy]) => legacy)];

export type Config = Omit<Parsed, 'WHATSAPP_TEMPLATE_LANGUAGE' | 'SLACK_CHANNEL' | 'QUEUE_PREFETCH'> & {
  WHATSAPP_TEMPLATE_LANGUAGE: string;
  /** Jobs claimed ahead of a free worker slot; QUEUE_CONCURRENCY unless set. */
  QUEUE_PREFETCH: number;
  /** The first route's channel: where notices about the bridge itself go. */
  SLACK_CHANNEL: string;
  /** Every WhatsApp number and where it goes; one implicit `default` route without ROUTES_FILE. */
  routes: RouteConfig[];
  /** Where the store lives; defaults to the embedded SQLite file. */
  DATABASE_URL: string;
  jiraEnabled: boolean;
};

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/switchboard.db';

function applyLegacyKeys(env: Env, warnings: string[], problems: string[]): Env {
  const out: Env = { ...env };
  for (const [legacy, current] of ALIASES) {
    if (blank(out[legacy])) continue;
    if (blank(out[current])) {
      out[current] = out[legacy];
      warnings.push(`${legacy} is read as ${current} (WhatsAppInSlack's name); rename it to ${current}`);
    } else {
      warnings.push(`${legacy} is ignored: ${current} is set; remove ${legacy}`);
    }
  }
  // The earlier tool took full method URLs; the Web API base is everything before the method.
  const slackUrl = legacySlackApiUrl(out);
  if (slackUrl.apiUrl) out.SLACK_API_URL = slackUrl.apiUrl;
  warnings.push(...slackUrl.warnings);
  if (slackUrl.problem) problems.push(slackUrl.problem);
  for (const [key, why] of Object.entries(RETIRED)) {
    if (!blank(out[key])) warnings.push(`${key} is no longer used: ${why}`);
  }
  if (blank(out.WHATSAPP_TRANSPORT)) {
    // Cloud API credentials mean cloud; an .env from the earlier tool (no credentials) means web.
    out.WHATSAPP_TRANSPORT = blank(out.WHATSAPP_TOKEN) && blank(out.WHATSAPP_PHONE_NUMBER_ID) ? 'web' : 'cloud';
  }
  return out;
}

function blank(v: string | undefined): boolean {
  return v === undefined || v.trim() === '';
}

function dropBlanks(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => !blank(v)));
}

/**
 * Settings required by other settings. Read from the prepared env (blanks dropped) rather than the
 * parsed config, so they are reported in the same run as malformed ones: a value that is present
 * but malformed counts as present here (its format problem is reported on its own line).
 */
function crossFieldProblems(c: Env, fileRoutes: RouteConfig[] | undefined): string[] {
  const problems: string[] = [];
  const need = (key: keyof Parsed, why: string) => {
    if (c[key] === undefined) problems.push(`${key} is required ${why}`);
  };
  if (!c.SLACK_APP_TOKEN) need('SLACK_SIGNING_SECRET', 'unless SLACK_APP_TOKEN is set (Socket Mode): the Slack app signing secret');
  if (!fileRoutes && c.SLACK_CHANNEL === undefined) problems.push('SLACK_CHANNEL is required: the support channel, an ID like C0123456789 or a name like #support');
  if (fileRoutes) {
    // Every Cloud number of the file comes in on the one webhook, signed with the one app secret.
    if (fileRoutes.some((r) => r.whatsapp.transport === 'cloud')) {
      const why = 'for the Cloud API routes of ROUTES_FILE';
      need('WHATSAPP_APP_SECRET', `${why}: the Meta app secret, to check webhook signatures`);
      need('WHATSAPP_VERIFY_TOKEN', `${why}: the webhook verification token you set in the Meta console`);
    }
  } else if (c.WHATSAPP_TRANSPORT === 'cloud') {
    const why = 'with WHATSAPP_TRANSPORT=cloud';
    need('WHATSAPP_TOKEN', `${why}: the Cloud API access token`);
    need('WHATSAPP_PHONE_NUMBER_ID', `${why}: the Cloud API phone number id`);
    need('WHATSAPP_APP_SECRET', `${why}: the Meta app secret, to check webhook signatures`);
    need('WHATSAPP_VERIFY_TOKEN', `${why}: the webhook verification token you set in the Meta console`);
  }
  if (c.JIRA_BASE_URL) {
    const why = 'when JIRA_BASE_URL is set';
    need('JIRA_EMAIL', `${why}: the e-mail of the Jira account`);
    need('JIRA_API_TOKEN', `${why}: an Atlassian API token`);
    // With routes, each route may name its own service desk; the variables are the others' default.
    const withoutDesk = fileRoutes?.filter((r) => !r.jira).map((r) => r.name);
    const deskWhy = withoutDesk?.length ? `${why}, for the routes without jira: (${withoutDesk.join(', ')})` : why;
    if (!fileRoutes || withoutDesk!.length > 0) {
      need('JIRA_SERVICE_DESK_ID', `${deskWhy}: the numeric service desk id`);
      need('JIRA_REQUEST_TYPE_ID', `${deskWhy}: the numeric request type id`);
    }
  }
  return problems;
}

/** How the routes file is read (a test gives its text); only called when ROUTES_FILE is set. */
export interface ConfigSources {
  readFile(path: string): string;
}

const fileSources: ConfigSources = { readFile: (path) => readFileSync(path, 'utf8') };

function readRoutes(path: string | undefined, env: Env, sources: ConfigSources): { routes?: RouteConfig[]; problems: string[] } {
  if (path === undefined) return { problems: [] };
  let text: string;
  try {
    text = sources.readFile(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return { problems: [`ROUTES_FILE: expected a readable YAML file of routes; ${path}: ${why}`] };
  }
  const { routes, problems } = parseRoutesFile(text, path, env);
  return problems.length > 0 ? { problems } : { routes, problems };
}

export function loadConfig(env: Env, sources: ConfigSources = fileSources): LoadedConfig {
  const warnings: string[] = [];
  const legacyProblems: string[] = [];
  const prepared = dropBlanks(applyLegacyKeys(env, warnings, legacyProblems));
  const file = readRoutes(prepared.ROUTES_FILE?.trim(), prepared, sources);
  legacyProblems.push(...file.problems);
  const result = schema.safeParse(prepared);
  const formatProblems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? 'configuration');
        return issue.message.startsWith('is required') ? `${key} ${issue.message}` : `${key}: ${issue.message}`;
      });
  const problems = [...new Set([...legacyProblems, ...formatProblems, ...crossFieldProblems(prepared, prepared.ROUTES_FILE ? (file.routes ?? []) : undefined)])];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const parsed = result.data;
  if (parsed.JIRA_BASE_URL && !parsed.JIRA_WEBHOOK_SECRET) {
    warnings.push('JIRA_WEBHOOK_SECRET is not set: POST /webhooks/jira will refuse every call');
  }
  const routes = file.routes ?? [implicitRoute({ ...parsed, SLACK_CHANNEL: parsed.SLACK_CHANNEL! })];
  return {
    config: {
      ...parsed,
      // With routes, the first one's number and channel stand where a single number's would.
      WHATSAPP_TRANSPORT: routes[0]!.whatsapp.transport,
      SLACK_CHANNEL: routes[0]!.slackChannel,
      routes,
      DATABASE_URL: parsed.DATABASE_URL ?? DEFAULT_DATABASE_URL,
      jiraEnabled: Boolean(parsed.JIRA_BASE_URL),
      WHATSAPP_TEMPLATE_LANGUAGE: parsed.WHATSAPP_TEMPLATE_LANGUAGE ?? (parsed.LOCALE === 'pt-BR' ? 'pt_BR' : 'en_US'),
      QUEUE_PREFETCH: parsed.QUEUE_PREFETCH ?? parsed.QUEUE_CONCURRENCY,
    },
    warnings,
  };
}
