/**
 * Message templates of the fake WhatsApp Business Account: the listing and the checks a template
 * send goes through.
 *
 * Listing (developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management/,
 * "Get templates"): `GET /{WABA-ID}/message_templates` answers `{ data: [{ name, language, status,
 * category, id, components: [{ type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS', text, … }] }],
 * paging: { cursors: { before, after }, next? } }`; `limit` sets the page size (Graph's default 25),
 * `after` the cursor, `status` filters (e.g. APPROVED).
 *
 * Sends (…/messages/template-messages/; support/error-codes): a template is found by name and
 * `language.code`, approved; otherwise (#132001) "Template name does not exist in the translation".
 * Each `{{n}}` of the body needs one `parameters[]` entry of the `body` component; otherwise
 * (#132000) "Number of parameters does not match the expected number of params", details
 * "body: number of localizable_params (1) does not match the expected number of params (2)".
 */
import { graphError, type Answer } from './wire.js';

export interface FakeTemplate {
  name: string;
  language: string;
  status?: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  category?: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  /** The body text, with positional `{{1}}`… variables. */
  body: string;
}

/**
 * `hello_world` is the sample every new WhatsApp Business Account has (Meta's get-started guide);
 * `reopen_conversation` is the test suite's own WHATSAPP_TEMPLATE_NAME, in both locales.
 */
export const DEFAULT_TEMPLATES: readonly FakeTemplate[] = [
  { name: 'hello_world', language: 'en_US', body: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
  { name: 'reopen_conversation', language: 'en_US', body: 'We would like to continue our conversation. Please reply to this message.' },
  { name: 'reopen_conversation', language: 'pt_BR', body: 'Gostaríamos de continuar nossa conversa. Responda a esta mensagem.' },
];

const DEFAULT_PAGE = 25;

export function variableCount(body: string): number {
  return new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => m[1])).size;
}

const cursor = (offset: number) => Buffer.from(`tpl:${offset}`).toString('base64url');
const offsetOf = (c: string | null) => (c ? Number(/^tpl:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'))?.[1] ?? NaN) : 0);

export function createTemplateCatalogue(templates: readonly FakeTemplate[], idBase: number) {
  const all = templates.map((t, i) => ({ ...t, id: String(idBase + i) }));
  return {
    list(url: URL): Answer {
      const limit = Number(url.searchParams.get('limit') ?? DEFAULT_PAGE);
      const offset = offsetOf(url.searchParams.get('after'));
      if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset)) return graphError(400, 100, '(#100) Invalid parameter');
      const status = url.searchParams.get('status');
      const matching = all.filter((t) => !status || (t.status ?? 'APPROVED') === status.toUpperCase());
      const page = matching.slice(offset, offset + limit);
      const data = page.map((t) => ({
        name: t.name,
        parameter_format: 'POSITIONAL',
        components: [{ type: 'BODY', text: t.body, ...(variableCount(t.body) > 0 ? { example: { body_text: [Array.from({ length: variableCount(t.body) }, (_, i) => `example ${i + 1}`)] } } : {}) }],
        language: t.language,
        status: t.status ?? 'APPROVED',
        category: t.category ?? 'UTILITY',
        id: t.id,
      }));
      const more = offset + limit < matching.length;
      const next = new URL(url);
      next.searchParams.set('after', cursor(offset + limit));
      return {
        status: 200,
        body: { data, paging: { cursors: { before: cursor(offset), after: cursor(offset + page.length) }, ...(more ? { next: next.toString() } : {}) } },
      };
    },
    /** Undefined when the template send is one Graph accepts. */
    refusal(template: unknown): Answer | undefined {
      const t = (template ?? {}) as { name?: unknown; language?: { code?: unknown }; components?: unknown };
      const language = typeof t.language?.code === 'string' ? t.language.code : '';
      const found = all.find((x) => x.name === t.name && x.language === language && (x.status ?? 'APPROVED') === 'APPROVED');
      if (!found) {
        return graphError(400, 132001, '(#132001) Template name does not exist in the translation', { details: `template name (${String(t.name)}) does not exist in ${language}` });
      }
      const components = Array.isArray(t.components) ? (t.components as Array<{ type?: unknown; parameters?: unknown }>) : [];
      const body = components.find((c) => typeof c.type === 'string' && c.type.toLowerCase() === 'body');
      const given = Array.isArray(body?.parameters) ? (body.parameters as Array<{ type?: unknown; text?: unknown }>) : [];
      const expected = variableCount(found.body);
      if (given.length !== expected) {
        return graphError(400, 132000, '(#132000) Number of parameters does not match the expected number of params', {
          details: `body: number of localizable_params (${given.length}) does not match the expected number of params (${expected})`,
        });
      }
      if (given.some((p) => p.type !== 'text' || typeof p.text !== 'string' || p.text.trim() === '')) {
        return graphError(400, 131008, '(#131008) Required parameter is missing', { details: 'body parameters need type text and a non-empty text' });
      }
      return undefined;
    },
  };
}
