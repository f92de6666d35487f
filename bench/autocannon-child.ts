/**
 * The independent load generator of bench/intake.ts: autocannon, in a process of its own, so the
 * generator neither shares an event loop with the fakes nor with the service. Prints one JSON line.
 *
 *   node --import tsx bench/autocannon-child.ts <port> <noop|webhook> <seconds> <connections> <first message number>
 *
 * Every request gets a fresh body (its own wamid, so none is a duplicate), signed for the webhook
 * route; the no-op route gets the same body unsigned, so both phases parse the same bytes.
 */
import autocannon from 'autocannon';
import { contactNumber, noopRequest, textWebhook } from './load.js';

const [port, kind, seconds, connections, first] = process.argv.slice(2);
if (!port || (kind !== 'noop' && kind !== 'webhook') || !seconds || !connections || !first) {
  process.stderr.write('usage: autocannon-child.ts <port> <noop|webhook> <seconds> <connections> <first message number>\n');
  process.exit(2);
}
const CONTACTS = 200;
let n = Number(first);

const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const i = n++;
        const text = `Hello, does it come in another colour? (${i})`;
        const made = kind === 'webhook' ? textWebhook(i, contactNumber(i % CONTACTS), text) : noopRequest(i, contactNumber(i % CONTACTS), text);
        return { ...req, path: made.path, headers: made.headers, body: made.body };
      },
    },
  ],
});

process.stdout.write(
  `${JSON.stringify({
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    okPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    next: n,
  })}\n`,
);
