/** What the configuration's `http` section decides about where leakwatch may connect. */
export interface UrlGuardOptions {
  /** Allow every address, loopback and private included (`http.allowPrivateHosts`): tests and closed networks only. Default false. */
  allowPrivateHosts: boolean;
  /**
   * `host:port` pairs the operator trusts even though they are private
   * (`http.allowHosts`), e.g. `calendar.intranet.example:443` or
   * `127.0.0.1:8080`. A name in it is trusted whatever it resolves to; a
   * redirect from it to another private host is still refused. Default none.
   */
  allowHosts?: readonly string[];
  /**
   * DNS servers names are resolved with (`http.dnsServers`, `host` or
   * `host:port`), instead of the system's resolver (`dns.lookup`, which reads
   * /etc/hosts). Either way the addresses are checked the same. Default none.
   */
  dnsServers?: readonly string[];
}
