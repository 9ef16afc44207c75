/** Whether the URL's host and port are in `http.allowHosts`. */
export function isTrustedHost(url: URL, allowHosts: readonly string[] = []): boolean {
  if (allowHosts.length === 0) return false;
  const key = `${hostKey(url.hostname)}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  return allowHosts.some((entry) => normaliseHostPort(entry) === key);
}

/**
 * An `http.allowHosts` entry as `host:port`, the host as a URL spells it
 * (lower case, IPv4 in dotted decimal, IPv6 compressed in brackets, no
 * trailing dot); throws naming the entry when it is not a host and a port.
 */
export function normaliseHostPort(entry: string): string {
  const match = /^(.+):(\d{1,5})$/.exec(entry.trim());
  let hostname: string | undefined;
  try {
    hostname = match && !/[/?#@\\\s]/.test(match[1]!) ? new URL(`http://${match[1]}/`).hostname : undefined;
  } catch {
    hostname = undefined;
  }
  const port = Number(match?.[2]);
  if (!hostname || !(port >= 1 && port <= 65535)) throw new Error(`not a host:port: ${JSON.stringify(entry)} (write e.g. "calendar.intranet.example:443" or "[::1]:8080")`);
  return `${hostKey(hostname)}:${port}`;
}

/** The hostname without IPv6 brackets or the trailing dot of a fully qualified name (`localhost.` is localhost). */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** A URL hostname for comparison: IPv6 keeps its brackets, so the port after it stays unambiguous. */
function hostKey(hostname: string): string {
  return hostname.replace(/\.$/, '').toLowerCase();
}
