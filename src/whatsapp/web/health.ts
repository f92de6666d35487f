import { Gauge, type Registry } from 'prom-client';
import type { ReadinessCheck } from '../../http/server.js';
import type { WebConnection } from './socket.js';

type HasState = Pick<WebConnection, 'state'>;

/** For /readyz: ready while the linked device is connected. */
export function webReadiness(connection: HasState): ReadinessCheck {
  return {
    name: 'whatsapp web',
    async check() {
      const state = connection.state();
      return state === 'open' ? { ok: true } : { ok: false, detail: state };
    },
  };
}

/** `switchboard_whatsapp_web_connected`: 1 while connected, read at scrape time. */
export function webConnectedGauge(registry: Registry, connection: HasState): Gauge {
  return new Gauge({
    name: 'switchboard_whatsapp_web_connected',
    help: 'Whether the WhatsApp Web linked device is connected (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(connection.state() === 'open' ? 1 : 0);
    },
  });
}

/**
 * The gauge for every WhatsApp Web session: one session keeps the unlabelled series (dashboards
 * and alerts written before routes still match); with several, each is `{route="<name>"}`.
 */
export function webConnectedGauges(registry: Registry, sessions: ReadonlyArray<{ route: string; connection: HasState }>): Gauge | undefined {
  if (sessions.length <= 1) return sessions[0] && webConnectedGauge(registry, sessions[0].connection);
  return new Gauge({
    name: 'switchboard_whatsapp_web_connected',
    help: 'Whether each WhatsApp Web linked device is connected (1) or not (0), by route',
    labelNames: ['route'],
    registers: [registry],
    collect() {
      for (const { route, connection } of sessions) this.set({ route }, connection.state() === 'open' ? 1 : 0);
    },
  });
}
