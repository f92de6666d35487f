/**
 * The one line an operator reads when the HTTP port cannot be bound: what is wrong with PORT and what
 * to do, not a bare `listen EACCES`. Ports below 1024 are privileged on Linux unless the process has
 * CAP_NET_BIND_SERVICE or the runtime lowered net.ipv4.ip_unprivileged_port_start (Docker 20.10+ sets
 * it to 0; Kubernetes, Podman and rootless Docker do not). The image runs as the non-root user `node`,
 * so an old `PORT=80` (WhatsAppInSlack's default) fails on those.
 */
export function listenFailureMessage(err: unknown, port: number, host?: string): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return port > 0 && port < 1024
      ? `could not listen on PORT ${port}: ports below 1024 are privileged and this process may not bind them (the image runs as the non-root user node): set PORT=3000 (or any port from 1024 up) and publish it as ${port} (docker run -p ${port}:3000, compose ports "${port}:3000"), or let the runtime allow it (--sysctl net.ipv4.ip_unprivileged_port_start=0, or CAP_NET_BIND_SERVICE)`
      : `could not listen on PORT ${port}: permission denied: choose another PORT`;
  }
  if (code === 'EADDRINUSE') {
    return `could not listen on PORT ${port}: another process is already listening on it (a second Switchboard?): stop it or set PORT to a free port`;
  }
  // Anything else may be the address (HOST) rather than the port: name both.
  const where = host ? `HOST ${host}, PORT ${port}` : `PORT ${port}`;
  return `could not listen on ${where}: ${(err as Error | undefined)?.message ?? String(err)}`;
}
