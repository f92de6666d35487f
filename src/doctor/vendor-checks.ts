import type { Config } from '../config.js';
import { isBridgeError } from '../core/errors.js';
import { formatInternational } from '../core/format/phone.js';
import { createWebClient } from '../slack/chat-surface.js';
import { toSlackBridgeError } from '../slack/errors.js';
import { createGraphClient } from '../whatsapp/cloud/graph-client.js';
import type { Store } from '../core/store/store.js';
import { openStore } from '../store/open.js';
import type { Check, CheckResult } from './checks.js';
import { describeSlackFailure } from './slack-failure.js';

/** Scopes the bridge cannot work without, and why (kept in step with slack-app-manifest.yml). */
export const REQUIRED_SLACK_SCOPES: Record<string, string> = {
  'chat:write': 'post cards and messages',
  'channels:read': 'find the support channel',
  'reactions:write': 'show reactions and delivery receipts',
  'reactions:read': 'receive agents’ reactions',
  'files:read': 'download files agents post',
  'files:write': 'upload WhatsApp media',
  'users:read': 'name the agents',
  commands: 'the /whatsapp command and the shortcuts (start a conversation, saved replies)',
};
/** One of these, depending on whether the support channel is public or private. */
const HISTORY_SCOPES = ['channels:history', 'groups:history'];

export const slackCheck: Check = {
  name: 'slack',
  async run(config: Config) {
    const client = createWebClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, config.SLACK_TIMEOUT_MS);
    const results: CheckResult[] = [];
    let scopes: string[];
    try {
      const auth = await client.auth.test();
      scopes = auth.response_metadata?.scopes ?? [];
      results.push({ name: 'slack token', ok: true, detail: `bot ${auth.user ?? auth.user_id} in ${auth.team ?? auth.team_id}` });
    } catch (err) {
      const { detail, fix } = describeSlackFailure(toSlackBridgeError(err, 'auth.test'), 'auth.test', config.SLACK_API_URL);
      return { name: 'slack token', ok: false, detail, fix };
    }

    const missing = Object.keys(REQUIRED_SLACK_SCOPES).filter((s) => !scopes.includes(s));
    if (!HISTORY_SCOPES.some((s) => scopes.includes(s))) missing.push(HISTORY_SCOPES.join(' or '));
    const customize = scopes.includes('chat:write.customize');
    results.push(
      missing.length === 0
        ? {
            name: 'slack scopes',
            ok: true,
            detail: customize ? 'all granted' : 'all required granted; without chat:write.customize messages show a byline instead of the contact’s name',
          }
        : {
            name: 'slack scopes',
            ok: false,
            detail: `missing ${missing.join(', ')}`,
            fix: 'add them under OAuth & Permissions → Scopes (or re-create the app from slack-app-manifest.yml), reinstall the app, and put the new token in SLACK_BOT_TOKEN',
          },
    );
    results.push(await channelResult(client, config.SLACK_CHANNEL));
    return results;
  },
};

async function channelResult(client: ReturnType<typeof createWebClient>, wanted: string): Promise<CheckResult> {
  const name = 'slack channel';
  try {
    let channel: { id?: string; name?: string; is_member?: boolean; is_archived?: boolean } | undefined;
    if (/^[CG][A-Z0-9]{6,}$/.test(wanted)) {
      channel = (await client.conversations.info({ channel: wanted })).channel;
    } else {
      let cursor: string | undefined;
      do {
        const page = await client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, cursor });
        channel = page.channels?.find((c) => c.name === wanted);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (!channel && cursor);
    }
    if (!channel) {
      return { name, ok: false, detail: `#${wanted} not found`, fix: 'check SLACK_CHANNEL; a private channel is only visible after the bot is invited to it' };
    }
    if (channel.is_archived) return { name, ok: false, detail: `#${channel.name} is archived`, fix: 'unarchive it or choose another SLACK_CHANNEL' };
    if (!channel.is_member) {
      return { name, ok: false, detail: `the bot is not a member of #${channel.name} (${channel.id})`, fix: `invite it: type /invite @<bot name> in #${channel.name}` };
    }
    return { name, ok: true, detail: `#${channel.name} (${channel.id}), bot is a member` };
  } catch (err) {
    const e = toSlackBridgeError(err, 'conversations.info');
    const fix =
      e.code === 'slack_channel_not_found'
        ? 'check SLACK_CHANNEL; a private channel is only visible after the bot is invited to it'
        : e.code === 'slack_missing_scope'
          ? 'grant channels:read and groups:read, then reinstall the app'
          : 'see the Slack error above';
    return { name, ok: false, detail: e.message, fix };
  }
}

export const whatsappCheck: Check = {
  name: 'whatsapp',
  async run(config: Config) {
    if (config.WHATSAPP_TRANSPORT === 'web') return webSessionResult(config);
    const graph = createGraphClient({ baseUrl: config.WHATSAPP_GRAPH_URL, token: config.WHATSAPP_TOKEN!, phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID!, timeoutMs: 10_000 });
    try {
      const phone = await graph.getPhoneNumber();
      return { name: 'whatsapp cloud api', ok: true, detail: `${formatInternational(phone.display_phone_number)} (${phone.verified_name})` };
    } catch (err) {
      const code = isBridgeError(err) ? err.code : 'unknown';
      const fix =
        code === 'graph_190'
          ? 'WHATSAPP_TOKEN is invalid or expired: create a permanent System User token in Meta Business Settings with whatsapp_business_messaging'
          : code === 'graph_100'
            ? 'WHATSAPP_PHONE_NUMBER_ID is not a phone number this token can use: copy it from WhatsApp Manager → API Setup'
            : `check WHATSAPP_GRAPH_URL (${config.WHATSAPP_GRAPH_URL}) and the network`;
      return { name: 'whatsapp cloud api', ok: false, detail: (err as Error).message, fix };
    }
  },
};


/** WhatsApp Web has no credentials to test from here: what can be checked is whether a session is stored. */
async function webSessionResult(config: Config): Promise<CheckResult> {
  let store: Store | undefined;
  // The route's session (src/whatsapp/web/socket.ts): `default` for the single-number setup.
  const number = config.routes[0]?.whatsapp;
  const credsId = `${number?.transport === 'web' ? number.session : 'default'}:creds`;
  try {
    store = await openStore(config.DATABASE_URL);
    // A store not migrated yet holds no session: the port answers nothing rather than failing.
    const stored = (await store.auth.get([credsId])).get(credsId);
    const creds = stored === undefined ? undefined : (JSON.parse(stored) as { me?: { id?: string }; account?: unknown });
    const number = creds?.account && creds.me?.id ? creds.me.id.split(/[:@]/)[0] : undefined;
    return number
      ? { name: 'whatsapp web', ok: true, detail: `paired as ${formatInternational(number)} (session in the store)` }
      : { name: 'whatsapp web', ok: false, detail: 'not paired yet', fix: 'start the service, open /admin (ADMIN_TOKEN) and scan the QR code with the support phone, or request a pairing code there' };
  } catch (err) {
    return { name: 'whatsapp web', ok: false, detail: `could not read the session: ${(err as Error).message}`, fix: 'check DATABASE_URL' };
  } finally {
    await store?.close();
  }
}
