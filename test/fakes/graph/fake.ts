/**
 * createFakeGraph: routing, auth, injected faults and the answers of each Graph operation.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaults, listenFaulty } from '../faults.js';
import { createServiceWindow, createThrottle, META_RATE_LIMIT, WINDOW_DETAILS } from './limits.js';
import { sendMismatch, uploadRefusal } from './media-rules.js';
import type { AddMediaOptions, FailSpec, FakeGraph, FakeGraphOptions, GraphCall, GraphOp, SentMessage } from './types.js';
import { createTemplateCatalogue, DEFAULT_TEMPLATES } from './templates.js';
import { buildStatusWebhook, statusError } from './webhooks.js';
import { defaultMessage, fakeWamid, graphError, invalidParam, parseMultipart, type Answer } from './wire.js';

/** A BSUID or parent BSUID: two-letter country, a period, (`ENT.`,) alphanumerics (Meta, "Business-scoped user IDs"). */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

interface FakeMedia extends AddMediaOptions { id: string; bytes: Buffer; mimeType: string; gone: boolean }

const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'];
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
/** Messages API: "biz_opaque_callback_data — arbitrary string, max 512 characters", echoed in status webhooks. */
const OPAQUE_MAX = 512;

export async function createFakeGraph(opts: FakeGraphOptions): Promise<FakeGraph> {
  const version = opts.version ?? 'v23.0';
  const now = opts.now ?? Date.now;
  const media = new Map<string, FakeMedia>();
  const issued = new Map<string, { id: string; expired: boolean }>(); // url hash -> media
  const failures: Array<{ target: string; spec: FailSpec; left: number }> = [];
  const faults = createFaults(); // before anything happens
  const answerFaults = createFaults(); // after the work is done, before the answer
  const window = createServiceWindow();
  const wabaId = opts.wabaId ?? '102290129340398';
  // Each WhatsApp Business Account has its own templates; a number's sends are checked against its account's.
  const accounts = [
    { wabaId, phoneNumberIds: [opts.phoneNumberId, ...(opts.morePhoneNumberIds ?? [])], templates: opts.templates ?? DEFAULT_TEMPLATES },
    ...(opts.moreAccounts ?? []),
  ].map((a, i) => ({ ...a, catalogue: createTemplateCatalogue(a.templates, 1_000_000_000_000_000 + i * 1_000_000) }));
  const catalogueOfAccount = (id: string) => accounts.find((a) => a.wabaId === id)?.catalogue;
  const catalogueOfNumber = (id: string) => (accounts.find((a) => a.phoneNumberIds.includes(id)) ?? accounts[0]!).catalogue;
  const throttle = opts.rateLimit === false ? undefined : createThrottle(opts.rateLimit ?? META_RATE_LIMIT, opts.enforceRetryAfter ?? true);
  const fake = { sent: [], messages: [], readReceipts: [], uploaded: [], calls: [] } as Pick<FakeGraph, 'sent' | 'messages' | 'readReceipts' | 'uploaded' | 'calls'>;
  let origin = '';

  const numbers = new Set(accounts.flatMap((a) => a.phoneNumberIds));

  function classify(method: string, parts: string[]): GraphOp {
    if (parts[0] !== version) return 'unknown';
    const ours = numbers.has(parts[1] ?? '');
    if (parts.length === 2 && ours && method === 'GET') return 'phoneNumber';
    if (parts.length === 3 && ours && parts[2] === 'messages' && method === 'POST') return 'send';
    if (parts.length === 3 && ours && parts[2] === 'media' && method === 'POST') return 'upload';
    if (parts.length === 3 && catalogueOfAccount(parts[1] ?? '') && parts[2] === 'message_templates' && method === 'GET') return 'templates';
    if (parts.length === 2 && method === 'GET') return 'mediaInfo';
    return 'unknown';
  }

  /** What a rule may be keyed by: the op, the path with or without the version, or `*`. */
  const keysOf = (op: GraphOp, path: string) => [op, path, path.startsWith(`/${version}/`) ? path.slice(version.length + 1) : path, '*'];

  function takeFailure(keys: string[], afterAccept: boolean): FailSpec | undefined {
    const i = failures.findIndex((f) => keys.includes(f.target) && Boolean(f.spec.acceptThenDrop) === afterAccept);
    const f = failures[i];
    if (!f) return undefined;
    if (--f.left <= 0) failures.splice(i, 1);
    return f.spec;
  }

  function mediaUrl(id: string): string {
    const hash = randomBytes(12).toString('base64url');
    issued.set(hash, { id, expired: false });
    return `${origin}/whatsapp_business/attachments/?mid=${id}&ext=${Math.floor(Date.now() / 1000) + 300}&hash=${hash}`;
  }

  function invalidMessage(msg: Record<string, unknown>, templates: ReturnType<typeof createTemplateCatalogue>): Answer | undefined {
    const type = (msg.type as string | undefined) ?? 'text'; // Graph defaults type to text
    // A BSUID goes in `recipient` ("Business-scoped user IDs"); `to` wins when both are there.
    const viaRecipient = msg.to === undefined && msg.recipient !== undefined;
    if (viaRecipient && (typeof msg.recipient !== 'string' || !BSUID.test(msg.recipient))) {
      return invalidParam('Invalid parameter', 'Param recipient must be a valid business-scoped user ID or parent business-scoped user ID.');
    }
    if (!viaRecipient && (typeof msg.to !== 'string' || msg.to === '')) return invalidParam('The parameter to is required.');
    if (!MESSAGE_TYPES.includes(type)) return invalidParam(`Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${type}".`);
    const obj = msg[type] as Record<string, unknown> | undefined;
    if (typeof obj !== 'object' || obj === null) return invalidParam(`The parameter ${type} is required.`);
    if (type === 'text') {
      if (typeof obj.body !== 'string' || obj.body === '') return invalidParam("The parameter text['body'] is required.");
      if ([...obj.body].length > 4096) return invalidParam("Param text['body'] must be at most 4096 characters long.", 'Text body is longer than 4096 characters');
    }
    if (type === 'template') {
      const refused = templates.refusal(obj);
      if (refused) return refused;
    }
    if (MEDIA_TYPES.has(type) && typeof obj.id !== 'string' && typeof obj.link !== 'string') return invalidParam(`Param ${type} must contain either id or link.`);
    const opaque = msg.biz_opaque_callback_data;
    if (opaque !== undefined && typeof opaque !== 'string') return invalidParam('Param biz_opaque_callback_data must be a string.');
    if (typeof opaque === 'string' && [...opaque].length > OPAQUE_MAX) return invalidParam(`Param biz_opaque_callback_data must be at most ${OPAQUE_MAX} characters long.`);
    return undefined;
  }

  /** A send that passed validation: limits, the window, then acceptance. */
  function sendMessage(json: Record<string, unknown>, at: number): { answer: Answer; message?: SentMessage } {
    const to = (json.to ?? json.recipient) as string;
    const limited = throttle?.check(to, at);
    if (limited) {
      return { answer: graphError(400, limited.code, defaultMessage(limited.code) ?? '', { details: limited.details, retryAfter: limited.retryAfter }) };
    }
    const type = (json.type as string | undefined) ?? 'text';
    if ((opts.serviceWindow ?? true) && type !== 'template' && !window.isOpen(to, at)) {
      return { answer: graphError(400, 131047, defaultMessage(131047) ?? '', { details: WINDOW_DETAILS }) };
    }
    const ref = MEDIA_TYPES.has(type) ? (json[type] as { id?: unknown }).id : undefined;
    const uploaded = typeof ref === 'string' ? media.get(ref) : undefined;
    const mismatch = uploaded ? sendMismatch(type, uploaded.mimeType) : undefined;
    const message: SentMessage = {
      wamid: fakeWamid(to),
      to,
      body: json,
      at,
      outcome: 'answered',
      asyncError: mismatch === undefined ? undefined : statusError(131053, 'Media upload error', mismatch),
    };
    fake.sent.push(json);
    fake.messages.push(message);
    // A send to a BSUID answers its user_id, not a wa_id (the number may be withheld).
    const contact = json.to === undefined ? { input: to, user_id: to } : { input: to, wa_id: to.replace(/\D/g, '') };
    const answer = { status: 200, body: { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: message.wamid }] } };
    return { answer, message };
  }

  function upload(body: Buffer, contentType: string): Answer {
    const parsed = parseMultipart(body, contentType);
    if (!parsed) return invalidParam('Invalid multipart/form-data body.');
    const field = (n: string) => parsed.find((p) => p.name === n);
    const product = field('messaging_product')?.data.toString('utf8');
    if (product !== 'whatsapp') return invalidParam(product ? `Param messaging_product must be one of {WHATSAPP} - got "${product}".` : 'The parameter messaging_product is required.');
    const file = field('file');
    if (!file || file.fileName === undefined) return invalidParam('The parameter file is required.');
    const type = field('type')?.data.toString('utf8');
    if (!type) return invalidParam('The parameter type is required.');
    const mimeType = file.contentType ?? type;
    const refused = uploadRefusal(mimeType, file.data);
    if (refused) return graphError(400, refused.code, refused.message, refused.details ? { details: refused.details } : {});
    const id = api.addMedia(file.data, mimeType, { fileName: file.fileName });
    fake.uploaded.push({ id, bytes: Buffer.from(file.data), mimeType: file.contentType ?? '', fileName: file.fileName, type });
    return { status: 200, body: { id } };
  }

  async function download(url: URL, res: ServerResponse, call: GraphCall): Promise<Answer | undefined> {
    const ticket = issued.get(url.searchParams.get('hash') ?? '');
    const m = ticket ? media.get(ticket.id) : undefined;
    if (!ticket || !m || ticket.expired || m.gone || m.urlsExpired || url.searchParams.get('mid') !== m.id) return { status: 404, body: 'Not Found' };
    call.status = 200;
    res.writeHead(200, {
      'content-type': m.mimeType,
      ...(m.chunked ? {} : { 'content-length': String(m.bytes.length) }),
      ...(m.fileName ? { 'content-disposition': `attachment; filename="${m.fileName}"` } : {}),
    });
    const stop = m.breakAfter?.bytes ?? Infinity;
    for (let i = 0; i < Math.min(m.bytes.length, stop) && !res.destroyed; i += 16_384) {
      if (!res.write(m.bytes.subarray(i, Math.min(i + 16_384, stop)))) await new Promise((r) => res.once('drain', r));
    }
    if (m.breakAfter?.mode === 'drop') res.destroy();
    else if (m.breakAfter?.mode !== 'stall') res.end();
    return undefined;
  }

  async function answerFor(op: GraphOp, url: URL, parts: string[], req: IncomingMessage, body: Buffer, json: Record<string, unknown> | undefined, res: ServerResponse, call: GraphCall): Promise<{ answer: Answer | undefined; message?: SentMessage }> {
    switch (op) {
      case 'phoneNumber': {
        const all: Record<string, unknown> = { display_phone_number: opts.displayPhoneNumber, verified_name: opts.verifiedName ?? 'Switchboard Test', quality_rating: 'GREEN', code_verification_status: 'VERIFIED' };
        const fields = (url.searchParams.get('fields') ?? 'display_phone_number,verified_name').split(',');
        return { answer: { status: 200, body: { ...Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])), id: opts.phoneNumberId } } };
      }
      case 'mediaInfo': {
        const m = media.get(parts[1] ?? '');
        if (!m || m.gone) {
          return { answer: graphError(400, 100, `Unsupported get request. Object with ID '${parts[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { subcode: 33 }) };
        }
        const sha256 = createHash('sha256').update(m.bytes).digest('hex');
        return { answer: { status: 200, body: { url: mediaUrl(m.id), mime_type: m.mimeType, sha256, file_size: m.declaredSize ?? m.bytes.length, id: m.id, messaging_product: 'whatsapp' } } };
      }
      case 'templates':
        return { answer: catalogueOfAccount(parts[1] ?? '')!.list(url) };
      case 'download':
        return { answer: await download(url, res, call) };
      case 'upload':
        return { answer: upload(body, req.headers['content-type'] ?? '') };
      case 'send':
      case 'markRead': {
        if (!json) return { answer: invalidParam('Invalid JSON body.') };
        if (json.messaging_product === undefined) return { answer: invalidParam('The parameter messaging_product is required.') };
        if (json.messaging_product !== 'whatsapp') return { answer: invalidParam(`Param messaging_product must be one of {WHATSAPP} - got "${String(json.messaging_product)}".`) };
        if (op === 'markRead') {
          if (typeof json.message_id !== 'string' || !json.message_id.startsWith('wamid.')) {
            return { answer: graphError(400, 131009, '(#131009) Parameter value is not valid', { details: 'Invalid message_id' }) };
          }
          fake.readReceipts.push(json.message_id);
          return { answer: { status: 200, body: { success: true } } };
        }
        const invalid = invalidMessage(json, catalogueOfNumber(parts[1] ?? ''));
        return invalid ? { answer: invalid } : sendMessage(json, now());
      }
      default:
        return { answer: graphError(400, 2500, 'Unknown path components: ' + url.pathname) };
    }
  }

  function write(res: ServerResponse, call: GraphCall, a: Answer): void {
    call.status = a.status;
    if (res.destroyed) return;
    const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/html' : 'application/json', ...a.headers });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean);
    let op: GraphOp = url.pathname === '/whatsapp_business/attachments/' && method === 'GET' ? 'download' : classify(method, parts);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let json: Record<string, unknown> | undefined;
    if (op === 'send') {
      try {
        json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      if (json?.status === 'read') op = 'markRead';
    }
    const keys = keysOf(op, url.pathname);
    if (!(await faults.gate(keys))) return;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('access_token') ?? undefined;
    const call: GraphCall = { method, path: url.pathname, op, status: 0, authorized: bearer === opts.token };
    fake.calls.push(call);

    if (bearer === undefined) return write(res, call, graphError(400, 104, 'An access token is required to request this resource.'));
    if (bearer !== opts.token) return write(res, call, graphError(401, 190, defaultMessage(190) ?? ''));

    const failure = takeFailure(keys, false);
    if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
    if (failure?.drop) return void req.socket.destroy();
    if (failure?.status) {
      const code = failure.code ?? (failure.status >= 500 ? 2 : 100);
      return write(res, call, graphError(failure.status, code, failure.message ?? defaultMessage(code) ?? `(#${code}) Fake failure`, failure));
    }

    const { answer, message } = await answerFor(op, url, parts, req, body, json, res, call);
    if (!answer) return; // streamed
    if (answer.status < 300) {
      if (takeFailure(keys, true)) {
        if (message) message.outcome = 'dropped';
        return void req.socket.destroy();
      }
      if (message) message.outcome = 'held';
      const go = await answerFaults.gate(keys);
      if (message) message.outcome = 'answered';
      if (!go) return;
    }
    write(res, call, answer);
  }

  const server = await listenFaulty(handle, faults);
  origin = server.origin;

  const api: FakeGraph = {
    ...fake,
    url: `${origin}/${version}`,
    origin,
    async close() {
      answerFaults.shutdown();
      await server.close();
    },
    addMedia(bytes, mimeType, o = {}) {
      const id = o.id ?? `${randomInt(1e7, 9e7)}${randomInt(1e7, 9e7)}`; // 16 digits, like real media ids
      media.set(id, { ...o, id, bytes: Buffer.from(bytes), mimeType, gone: false });
      return id;
    },
    expireMedia(mediaId) {
      const m = media.get(mediaId);
      if (m) m.gone = true;
    },
    expireMediaUrls(mediaId) {
      for (const ticket of issued.values()) if (ticket.id === mediaId) ticket.expired = true;
    },
    failNext(target, spec) {
      failures.push({ target, spec, left: spec.count ?? 1 });
    },
    hang: (op, o = {}) => (o.accept ? answerFaults : faults).hang(op, o.count === undefined ? {} : { count: o.count }),
    delay: (op, ms) => faults.delay(op, ms),
    refuseConnections: server.refuseConnections,
    acceptConnections: server.acceptConnections,
    userWrote: (waId, at) => window.wrote(waId, at ?? now()),
    requestsDuringRetryAfter: (kind) => (throttle?.windows ?? []).filter((w) => kind === undefined || w.kind === kind).reduce((n, w) => n + w.hits, 0),
    retryWindows: throttle?.windows ?? [],
    statusWebhook(wamid, status, o) {
      const msg = fake.messages.find((m) => m.wamid === wamid);
      if (!msg) throw new Error(`the fake Graph accepted no message ${wamid}`);
      const meta = { wabaId, phoneNumberId: opts.phoneNumberId, displayPhoneNumber: opts.displayPhoneNumber };
      return buildStatusWebhook(meta, msg, status, o);
    },
  };
  return api;
}
