import { fakeSocket, type FakeSocket } from '../whatsapp-web/support.js';
import { startHarness, type Harness } from './harness.js';

/** The whole service on WHATSAPP_TRANSPORT=web, with a fake Baileys socket (connected) in place of WhatsApp. */
export async function startWebHarness(opts: Omit<NonNullable<Parameters<typeof startHarness>[0]>, 'overrides'> = {}): Promise<{ h: Harness; sock: FakeSocket }> {
  const sockets: FakeSocket[] = [];
  const h = await startHarness({
    ...opts,
    env: { WHATSAPP_TRANSPORT: 'web', WHATSAPP_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined, ...opts.env },
    overrides: {
      webSocketFactory: () => {
        const sock = fakeSocket('15550783881:12@s.whatsapp.net');
        sockets.push(sock);
        return sock;
      },
    },
  });
  const sock = sockets.at(-1)!;
  await sock.emit({ 'connection.update': { connection: 'open' } });
  return { h, sock };
}
