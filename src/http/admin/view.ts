import { escapeHtml } from './escape.js';
import type { AdminTexts } from './texts.js';
import type { AdminStatus, AdminView, WhatsAppRouteStatus, WhatsAppRouteView } from './types.js';

/** Gives the QR's SVG a role and an accessible name (qrcode's output has neither). */
function labelled(svg: string, text: string): string {
  const label = escapeHtml(text);
  return svg
    .trim()
    .replace(/^<svg /, `<svg class="qr-svg" role="img" aria-label="${label}" focusable="false" `)
    .replace(/^(<svg[^>]*>)/, `$1<title>${label}</title>`);
}

/** What /admin/status.json answers: the view without what only the page words (`jira.desk`). */
export function statusJson({ jira: { desk: _desk, ...jira }, ...view }: AdminView): AdminView {
  return { ...view, jira };
}

/** The entry status.json has always had as `whatsapp`: the first WhatsApp Web session, else the first route. */
export function primaryRoute<T extends { transport: 'cloud' | 'web' }>(routes: readonly T[]): T {
  return routes.find((r) => r.transport === 'web') ?? routes[0]!;
}

/**
 * Turns the status into what the page shows. Each session's last QR's SVG is kept: the page polls
 * every few seconds and Baileys rotates the QR only every ~20 s.
 */
export function createViewBuilder(t: AdminTexts): (status: AdminStatus) => Promise<AdminView> {
  const last = new Map<string, { qr: string; svg: string }>();

  const draw = async ({ qr, ...entry }: WhatsAppRouteStatus, several: boolean): Promise<WhatsAppRouteView> => {
    // A QR left over from before the connection opened must not be shown: it would no longer work.
    if (!qr || entry.state !== 'qr') return entry;
    let drawn = last.get(entry.route);
    if (drawn?.qr !== qr) {
      // Only a WhatsApp Web session waiting to be paired ever draws one: qrcode is loaded then.
      const { default: QRCode } = await import('qrcode');
      drawn = { qr, svg: labelled(await QRCode.toString(qr, { type: 'svg', margin: 4, errorCorrectionLevel: 'M' }), t.whatsapp.qrLabel(several ? entry.route : undefined)) };
      last.set(entry.route, drawn);
    }
    return { ...entry, qrSvg: drawn.svg };
  };

  return async ({ routes: statuses, ...status }) => {
    const routes = await Promise.all(statuses.map((r) => draw(r, statuses.length > 1)));
    const { route: _route, transport, ...whatsapp } = primaryRoute(routes);
    return { transport, whatsapp, routes, ...status };
  };
}
