/**
 * The WhatsApp Business account's approved templates, for the picker in Slack.
 *
 * Graph: `GET /{WABA-ID}/message_templates` (developers.facebook.com/documentation/business-messaging/
 * whatsapp/templates/template-management/, "Get templates") answers `{ data: [{ name, language,
 * status, category, components: [{ type: 'BODY', text }, …] }], paging: { cursors: { after }, next } }`;
 * pages are followed by `after` until no `next`. The list changes rarely (a template is approved in
 * hours), so it is kept for a while: a modal opened within the 3 seconds of its trigger must not wait
 * on Graph each time.
 */
import type { MessageTemplate, TemplateCatalogue } from '../../core/start/ports.js';
import { countVariables } from '../../core/start/texts.js';
import type { GraphClient } from './graph-client.js';

export const TEMPLATE_CACHE_MS = 10 * 60_000;
const PAGE_SIZE = 100;
/** A runaway cursor (or a huge account) stops here rather than looping: 2,000 templates. */
const MAX_PAGES = 20;

interface Page {
  data?: Array<{ name?: unknown; language?: unknown; status?: unknown; category?: unknown; components?: Array<{ type?: unknown; text?: unknown }> }>;
  paging?: { cursors?: { after?: unknown }; next?: unknown };
}

export function createTemplateCatalogue(graph: Pick<GraphClient, 'getJson'>, wabaId: string, opts: { ttlMs?: number; now?: () => number } = {}): TemplateCatalogue {
  const ttl = opts.ttlMs ?? TEMPLATE_CACHE_MS;
  const now = opts.now ?? Date.now;
  let cached: { at: number; list: Promise<MessageTemplate[]> } | undefined;

  async function fetchAll(): Promise<MessageTemplate[]> {
    const out: MessageTemplate[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ fields: 'name,language,status,category,components', status: 'APPROVED', limit: String(PAGE_SIZE) });
      if (after) query.set('after', after);
      const res = await graph.getJson<Page>('message-templates', `/${encodeURIComponent(wabaId)}/message_templates?${query}`);
      for (const t of res.data ?? []) {
        if (typeof t.name !== 'string' || typeof t.language !== 'string' || (t.status !== undefined && t.status !== 'APPROVED')) continue;
        const body = (t.components ?? []).find((c) => typeof c.type === 'string' && c.type.toUpperCase() === 'BODY');
        const text = typeof body?.text === 'string' ? body.text : '';
        out.push({ name: t.name, language: t.language, body: text, variables: countVariables(text), ...(typeof t.category === 'string' ? { category: t.category } : {}) });
      }
      const next = res.paging?.cursors?.after;
      if (!res.paging?.next || typeof next !== 'string') break;
      after = next;
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  }

  return {
    list() {
      if (cached && now() - cached.at < ttl) return cached.list;
      const list = fetchAll();
      cached = { at: now(), list };
      // A failed fetch is not kept: the next modal asks again.
      list.catch(() => {
        if (cached?.list === list) cached = undefined;
      });
      return list;
    },
  };
}
