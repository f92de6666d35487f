import { describe, expect, it } from 'vitest';
import { listenFailureMessage } from './listen-error.js';

const failure = (code: string, message = `listen ${code}: 0.0.0.0`) => Object.assign(new Error(message), { code });

describe('listenFailureMessage', () => {
  it('says a port below 1024 is privileged, and what to do instead', () => {
    const line = listenFailureMessage(failure('EACCES', 'listen EACCES: permission denied 0.0.0.0:80'), 80);
    expect(line).toMatch(/^could not listen on PORT 80: ports below 1024 are privileged/);
    expect(line).toContain('set PORT=3000 (or any port from 1024 up) and publish it as 80 (docker run -p 80:3000');
    expect(line).toContain('net.ipv4.ip_unprivileged_port_start=0');
    expect(line).not.toContain('\n');
  });

  it('does not blame privileged ports for a permission error on a high port', () => {
    expect(listenFailureMessage(failure('EACCES'), 8080)).toBe('could not listen on PORT 8080: permission denied: choose another PORT');
  });

  it('says the port is taken', () => {
    expect(listenFailureMessage(failure('EADDRINUSE'), 3000)).toBe(
      'could not listen on PORT 3000: another process is already listening on it (a second Switchboard?): stop it or set PORT to a free port',
    );
  });

  it('keeps the system message for anything else', () => {
    expect(listenFailureMessage(new Error('boom'), 3000)).toBe('could not listen on PORT 3000: boom');
  });
});
