import { domainToASCII } from 'node:url';
import { InputError } from '../errors.js';

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/i;
/** A domain already in ASCII needs no punycode conversion (the common case, and the costly call). */
const ASCII_DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;

/** A lower-cased address with its domain in punycode; throws an {@link InputError} naming `what`. */
export function normaliseEmail(raw: string, what = 'email address'): string {
  const value = raw.trim();
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const lower = value.slice(at + 1).toLowerCase();
  const domain = ASCII_DOMAIN.test(lower) ? lower : domainToASCII(lower);
  if (at < 1 || !LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || !domain.includes('.') || domain.split('.').some((l) => !l)) {
    throw new InputError(`"${raw}" is not a valid ${what}`);
  }
  return `${local.toLowerCase()}@${domain}`;
}

/** The domain of a normalised address. */
export function emailDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
