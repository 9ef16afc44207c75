/**
 * The platform refused the connection's credential: the app's secret was
 * rotated or its app deactivated (token endpoint `invalid_client`), a fresh
 * token is refused (401 after a refresh), or the app lacks a scope leakwatch
 * needs. Retrying does not help; an admin of the organisation must act, so
 * it is reported to them (once).
 */
export class CredentialError extends Error {
  override name = 'CredentialError';
}
