import type { AdminStatus, AdminView } from './types.js';

const QR_LABEL = 'QR code for linking WhatsApp: scan it with the phone under Settings, Linked devices';

/** Gives the QR's SVG a role and an accessible name (qrcode's output has neither). */
function labelled(svg: string): string {
  return svg
    .trim()
    .replace(/^<svg /, `<svg class="qr-svg" role="img" aria-label="${QR_LABEL}" focusable="false" `)
    .replace(/^(<svg[^>]*>)/, `$1<title>${QR_LABEL}</title>`);
}

/**
 * Turns the status into what the page shows. The last QR's SVG is kept: the page polls every few
 * seconds and Baileys rotates the QR only every ~20 s.
 */
export function createViewBuilder(): (status: AdminStatus) => Promise<AdminView> {
  let last: { qr: string; svg: string } | undefined;

  return async (status) => {
    const { qr, ...whatsapp } = status.whatsapp;
    let qrSvg: string | undefined;
    // A QR left over from before the connection opened must not be shown: it would no longer work.
    if (qr && status.whatsapp.state === 'qr') {
      if (last?.qr !== qr) {
        // Only a WhatsApp Web deployment waiting to be paired ever draws one: qrcode is loaded then.
        const { default: QRCode } = await import('qrcode');
        last = { qr, svg: labelled(await QRCode.toString(qr, { type: 'svg', margin: 4, errorCorrectionLevel: 'M' })) };
      }
      qrSvg = last.svg;
    }
    return { ...status, whatsapp: qrSvg ? { ...whatsapp, qrSvg } : whatsapp };
  };
}
