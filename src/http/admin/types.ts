/** What the operator page shows; the composition root assembles it from config, the outbox and the transport. */

export type WhatsAppState = 'connecting' | 'qr' | 'open' | 'closed' | 'logged_out' | 'n/a';

export interface AdminFailure {
  id: number;
  kind: string;
  lane: string;
  attempts: number;
  reason: string | null;
  at: number | null;
}

export interface AdminStatus {
  transport: 'cloud' | 'web';
  whatsapp: {
    state: WhatsAppState;
    /** The raw QR payload from Baileys: whoever has it can link a device, so it never leaves the server as text. */
    qr?: string;
    account?: string;
  };
  slack: { channel: string; ok: boolean; detail?: string };
  jira: { enabled: boolean; target?: string };
  queue: { pending: number; running: number; dead: number };
  failures: AdminFailure[];
  version: string;
}

/** The status as the page and status.json see it: the QR already drawn as SVG. */
export interface AdminView extends Omit<AdminStatus, 'whatsapp'> {
  whatsapp: Omit<AdminStatus['whatsapp'], 'qr'> & { qrSvg?: string };
}

export interface PairingProvider {
  /** Asks WhatsApp for an 8-character code to type on the phone instead of scanning the QR. */
  requestPairingCode(phone: string): Promise<string>;
}
