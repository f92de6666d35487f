import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/core/format/i18n.js';
import { adviceFor } from '../../src/http/admin/advice.js';
import { adminTexts } from '../../src/http/admin/texts.js';
import { deadJob, memoryConversations, memoryJobs } from './console-fixtures.js';
import type { FakeJira } from '../fakes/jira.js';
import { fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { TOKEN, XSS, basic, buildAdminServer, sampleStatus } from './fixtures.js';

const auth = { authorization: basic('nurse-admin', TOKEN) };
const sameOrigin = { ...auth, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };

/** The text a browser shows: tags dropped, entities read, whitespace folded. */
const visible = (body: string) =>
  body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** Each phrase is on the page, named when one is missing. */
const says = (text: string, ...phrases: string[]) => {
  for (const phrase of phrases) expect(text, phrase).toContain(phrase);
};

describe('/admin in the configured LOCALE', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const build = (locale?: Locale, extra: Partial<Parameters<typeof buildAdminServer>[0]> = {}) => {
    const jobs = memoryJobs([
      deadJob(),
      deadJob({ id: 44, kind: 'slack.event', lastError: 'send_outcome_unknown: Graph request timed out after it was sent' }),
      deadJob({ id: 50, status: 'pending', attempts: 2, lastError: 'timeout: Slack did not answer', finishedAt: null }),
    ]);
    const conversations = memoryConversations([
      { chatId: '16505551234', phone: '16505551234', name: 'Ward 3', isGroup: false, transport: 'web', lastActivityAt: Date.UTC(2025, 0, 15, 9, 30) },
    ]);
    app = buildAdminServer({ status: async () => sampleStatus(), jobs, conversations, unlink: async () => undefined, pairing: { requestPairingCode: async () => 'ABCD1234' }, ...(locale ? { locale } : {}), ...extra });
    return app;
  };
  const get = async (url: string) => {
    const res = await app!.inject({ method: 'GET', url, headers: auth });
    return { status: res.statusCode, body: res.body, text: visible(res.body) };
  };

  it('speaks Brazilian Portuguese on the overview with LOCALE=pt-BR, dates in dd/mm/yyyy', async () => {
    build('pt-BR');
    const { status, body, text } = await get('/admin');
    expect(status).toBe(200);
    expect(body).toContain('<html lang="pt-BR">');
    expect(body).toContain('<title>Aguardando pareamento · Administração do Switchboard</title>');
    says(text, 'Administração do Switchboard', 'Falhas recentes', 'Quando', 'Tentativas', 'Motivo', 'Pendentes', 'Em execução', 'Mortas', 'Leia o QR code', 'Vá em Configurações › Aparelhos conectados › Conectar um aparelho.', 'Obter código de pareamento', 'Visão geral', 'Conversas', 'Tarefas', 'Horários em UTC.', '15/01/2025 09:30 UTC');
    expect(body).toContain('datetime="2025-01-15T09:30:00.000Z"');
    // The QR's accessible name and what the script says come in Portuguese too.
    expect(body).toMatch(/<svg class="qr-svg" role="img" aria-label="QR code para conectar o WhatsApp: leia-o com o celular em Configurações, Aparelhos conectados"/);
    expect(body).toContain('data-text-offline="O Switchboard não está respondendo');
    expect(body).toContain('data-text-signed-out="Sessão encerrada: recarregue a página para entrar de novo."');
    for (const english of ['Recent failures', 'Waiting for pairing', 'Scan the QR code', 'Times are UTC', 'Switchboard admin']) expect(text, english).not.toContain(english);
    // The hostile failure reason stays escaped in every locale.
    expect(body).not.toContain(XSS);
  });

  it('stays English with LOCALE=en and without a locale', async () => {
    for (const locale of ['en', undefined] as const) {
      build(locale);
      const { body, text } = await get('/admin');
      expect(body).toContain('<html lang="en">');
      expect(body).toContain('<title>Waiting for pairing · Switchboard admin</title>');
      says(text, 'Recent failures', '2025-01-15 09:30 UTC');
      expect(body).toContain('data-text-offline="Switchboard is not answering');
      await app!.close();
    }
    app = undefined;
  });

  it('words the jobs page, its advice, the confirmation and the flash in Portuguese', async () => {
    build('pt-BR');
    const jobs = await get('/admin/jobs');
    expect(jobs.body).toContain('<html lang="pt-BR">');
    says(jobs.text, 'Tarefas mortas (2)', 'Tarefas pendentes (1)', 'Tentar de novo', 'Descartar', 'Tentativas', '1 de 8', 'Mensagem do WhatsApp para o Slack', 'O bot não é membro do canal do Slack.', 'Um fornecedor não respondeu a tempo.');
    says(jobs.text, 'Não tente de novo às cegas', 'Enviar de novo');

    const confirm = await get('/admin/jobs/44/discard');
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('<title>Descartar a tarefa 44? · Administração do Switchboard</title>');
    says(confirm.text, 'Sim, descartar', 'Cancelar');

    const token = /name="csrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const done = await app!.inject({ method: 'POST', url: '/admin/jobs/44/discard', headers: sameOrigin, payload: `csrf=${encodeURIComponent(token)}` });
    expect(done.statusCode).toBe(303);
    const flash = await get(done.headers.location as string);
    says(flash.text, 'A tarefa 44 foi descartada.');

    const again = await get('/admin/jobs/44/retry');
    expect(again.status).toBe(409);
    says(again.text, 'A tarefa 44 não está morta', 'A tarefa 44 está concluída: só tarefas mortas podem ser tentadas de novo ou descartadas.', 'Voltar às tarefas');

    const stale = await app!.inject({ method: 'POST', url: '/admin/jobs/42/retry', headers: sameOrigin, payload: 'csrf=stale' });
    expect(stale.statusCode).toBe(403);
    expect(visible(stale.body)).toContain('Este formulário está desatualizado ou não veio do console.');
  });

  it('words the conversations, unlink and pairing-code answers in Portuguese', async () => {
    build('pt-BR');
    const list = await get('/admin/conversations');
    says(list.text, 'Todas as conversas', 'Nome, número ou nome de usuário', 'Buscar', 'Última atividade', 'Ainda sem cartão no Slack.', '15/01/2025 09:30 UTC');
    const none = await get(`/admin/conversations?q=${encodeURIComponent(XSS)}`);
    says(none.text, 'Nenhuma conversa encontrada.');
    expect(none.body).not.toContain(XSS);

    const unlink = await get('/admin/whatsapp/unlink');
    says(unlink.text, 'Desvincular o WhatsApp Web?', 'Sim, desvincular');

    const wrong = await app!.inject({ method: 'POST', url: '/admin/pairing-code', headers: sameOrigin, payload: 'phone=0301234567' });
    expect(wrong.statusCode).toBe(400);
    expect(visible(wrong.body)).toContain('Comece pelo código do país (por exemplo 55), não por 0.');
    const crossSite = await app!.inject({ method: 'POST', url: '/admin/pairing-code', headers: { ...sameOrigin, 'sec-fetch-site': 'cross-site' }, payload: 'phone=16505551234' });
    expect(crossSite.body).toBe('Pedidos vindos de outros sites são recusados.\n');
  });

  it('explains how to turn the page on in Portuguese while ADMIN_TOKEN is unset', async () => {
    build('pt-BR', { token: undefined });
    const { status, body, text } = await get('/admin');
    expect(status).toBe(404);
    expect(body).toContain('<html lang="pt-BR">');
    says(text, 'A página de administração está desligada');
    expect(body).toContain('Coloque um segredo de pelo menos 16 caracteres em <code>ADMIN_TOKEN</code>');
  });

  it('keeps status.json as it is in every locale (names and values are a contract)', async () => {
    const status = sampleStatus({ whatsapp: { state: 'open', account: '+1 555-078-3881' } });
    const json: unknown[] = [];
    for (const locale of ['en', 'pt-BR'] as const) {
      build(locale, { status: async () => status });
      const res = await app!.inject({ method: 'GET', url: '/admin/status.json', headers: auth });
      json.push(res.json());
      await app!.close();
    }
    app = undefined;
    expect(json[1]).toEqual(json[0]);
    expect(json[1]).toMatchObject({ whatsapp: { state: 'open' }, queue: { pending: 3, running: 1, dead: 2 } });
  });
});

describe('/admin through the service', () => {
  let h: Harness | undefined;
  let jira: FakeJira | undefined;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
    h = undefined;
    jira = undefined;
  });

  it('follows LOCALE from the environment; status.json keeps its English Jira target', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { ADMIN_TOKEN: TOKEN, LOCALE: 'pt-BR' } });
    const jobs = await (await fetch(`${h.base}/admin/jobs`, { headers: auth })).text();
    expect(jobs).toContain('<html lang="pt-BR">');
    says(visible(jobs), 'Tarefas pendentes (0)', 'Nenhuma tarefa morta.');
    const host = new URL(jira.url).host;
    says(visible(await (await fetch(`${h.base}/admin`, { headers: auth })).text()), `${host} · central 1 · tipo de solicitação 10`);
    const json = (await (await fetch(`${h.base}/admin/status.json`, { headers: auth })).json()) as { jira: Record<string, unknown> };
    expect(json.jira).toMatchObject({ enabled: true, target: `${host} · desk 1 · request type 10` });
    expect(Object.keys(json.jira).sort()).toEqual(['enabled', 'sync', 'target']);
  });
});

describe('admin catalogues', () => {
  /** A catalogue function's text for sample arguments: numbers (ids, counts), else a name and a list. */
  const sample = (fn: (...args: unknown[]) => unknown) => {
    try {
      return fn(3, 8, 1);
    } catch {
      return fn('front-desk', ['front-desk']);
    }
  };
  /** Every string of a catalogue with its path; functions are called with sample arguments. */
  const leaves = (value: unknown, path = ''): Array<[string, string]> => {
    if (typeof value === 'string') return [[path, value]];
    if (typeof value === 'function') return leaves(sample(value as (...args: unknown[]) => unknown), `${path}()`);
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
    if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
    return [];
  };

  it('has no empty text in either locale', () => {
    for (const locale of ['en', 'pt-BR'] as const) {
      const empty = leaves(adminTexts(locale)).filter(([, text]) => text.trim() === '');
      expect(empty, locale).toEqual([]);
    }
  });

  it('translates every text: pt-BR repeats English only for names (Slack, Jira, Cloud API…)', () => {
    const en = new Map(leaves(adminTexts('en')));
    const same = leaves(adminTexts('pt-BR'))
      .filter(([path, text]) => en.get(path) === text)
      .map(([path]) => path);
    expect(same.sort()).toEqual(
      [
        'conversations.cloud',
        'conversations.via',
        'conversations.web',
        'number()',
        'overview.graphHeldValue()',
        'overview.jiraHeading',
        'overview.metaOne()',
        'overview.slackHeading',
        'shell.navLabel',
        "whatsapp.states.n/a.label",
        'whatsapp.cloudApi',
        'whatsapp.viaCloud',
      ].sort(),
    );
  });

  it('advises against a blind Retry of a send whose outcome is unknown, in both locales', () => {
    const error = 'send_outcome_unknown: Graph request timed out after it was sent';
    const en = adviceFor(adminTexts('en'), error);
    const pt = adviceFor(adminTexts('pt-BR'), error);
    expect(en).toMatchObject({ code: 'send_outcome_unknown', retryHelps: false });
    expect(en.todo).toMatch(/Do not Retry blindly.*Send again.*Discard/);
    expect(pt).toMatchObject({ code: 'send_outcome_unknown', retryHelps: false });
    expect(pt.todo).toMatch(/Não tente de novo às cegas.*Enviar de novo.*descarte/);
    expect(adviceFor(adminTexts('pt-BR'), 'slack_not_in_channel: x').what).toBe('O bot não é membro do canal do Slack.');
  });
});
