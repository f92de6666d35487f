/**
 * The service as src/main.ts wires it, for process tests of WHATSAPP_TRANSPORT=web: the WhatsApp
 * Web socket is a stand-in that connects nowhere and shows one QR code at once (as Baileys does
 * for an unpaired session). Everything else (config from the environment, store, Slack, Jira,
 * Socket Mode, HTTP) is the real thing. Runs until killed.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { WebSocketLike } from '../../src/whatsapp/web/socket.js';

const unavailable = () => Promise.reject(new Error('the probe socket is not connected'));

function idleSocket(): WebSocketLike {
  return {
    ev: {
      process(handler) {
        setImmediate(() => void handler({ 'connection.update': { qr: 'probe-qr-payload' } }));
        return () => undefined;
      },
    },
    user: undefined,
    end: () => undefined,
    logout: unavailable,
    requestPairingCode: unavailable,
    sendMessage: unavailable,
    readMessages: unavailable,
    updateMediaMessage: unavailable,
    groupMetadata: unavailable,
    profilePictureUrl: unavailable,
  };
}

const { config } = loadConfig(process.env);
const app = await createApp(config, createLogger(config.LOG_LEVEL), { webSocketFactory: idleSocket });
await app.start();
