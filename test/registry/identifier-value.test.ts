import { describe, expect, it } from 'vitest';
import { normaliseIdentifier } from '../../src/registry/identifier-value.js';

describe('normaliseIdentifier', () => {
  it.each([
    ['email-domain', 'Westfield.Example', 'westfield.example'],
    ['email-domain', '@westfield.example.', 'westfield.example'],
    ['email-domain', 'teacher@westfield.example', 'westfield.example'],
    ['email-domain', 'schüle.example', 'xn--schle-mva.example'],
    ['email-domain', 'éducation.gouv.example', 'xn--ducation-90a.gouv.example'],
    ['zoom-subdomain', 'westfield', 'westfield'],
    ['zoom-subdomain', 'Westfield.zoom.us', 'westfield'],
    ['zoom-subdomain', 'https://westfield.zoom.us/', 'westfield'],
    ['webex-site', 'stateu.webex.com', 'stateu'],
    ['teams-tenant', '{72F988BF-86F1-41AF-91AB-2D7CD011DB47}', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
    ['meeting-domain', 'https://meet.westfield.example/room', 'meet.westfield.example'],
  ])('%s %s → %s', (kind, value, expected) => {
    expect(normaliseIdentifier(kind, value)).toEqual({ kind, value: expected });
  });

  it.each([
    ['myspace', 'x', 'unsupported identifier kind "myspace"; use one of: email-domain, zoom-subdomain, teams-tenant, webex-site, meeting-domain'],
    ['email-domain', 'localhost', '"localhost" is not an email domain'],
    ['email-domain', 'bad_domain.example', '"bad_domain.example" is not an email domain'],
    ['email-domain', '-lead.example', 'is not an email domain'],
    ['email-domain', '10.0.0.1', 'is not an email domain'],
    ['zoom-subdomain', 'us02web.zoom.us', '"us02web.zoom.us" is a shared Zoom host, not one organisation\'s'],
    ['zoom-subdomain', 'www', 'is a shared Zoom host'],
    ['webex-site', 'meet.webex.com', 'is a shared Webex host'],
    ['webex-site', 'two.labels.webex.com', 'is not a Webex site name'],
    ['teams-tenant', 'not-a-guid', 'is not a Teams tenant id'],
    ['meeting-domain', 'meet.jit.si', 'is a public meeting service'],
  ])('refuses %s %s', (kind, value, message) => {
    expect(() => normaliseIdentifier(kind, value)).toThrow(message);
  });
});
