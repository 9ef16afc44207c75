import { describe, expect, it } from 'vitest';
import { knownPlatforms } from '../../src/registry/meeting-id.js';
import { editDistance, nearestName } from '../../src/registry/nearest-name.js';

describe('editDistance', () => {
  it.each([
    ['zoom', 'zoom', 0], ['zooom', 'zoom', 1], ['zom', 'zoom', 1], ['zoon', 'zoom', 1], ['temas', 'teams', 1],
    ['', 'abc', 3], ['kitten', 'sitting', 3], ['webx', 'webex', 1],
  ])('%s to %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearestName', () => {
  it.each([
    ['zooom', 'zoom'], ['Zoom.', 'zoom'], ['temas', 'teams'], ['webx', 'webex'], ['google-met', 'google-meet'], ['googlemeet', 'google-meet'],
  ])('suggests a platform for %s: %s', (typed, platform) => {
    expect(nearestName(typed, knownPlatforms())).toBe(platform);
  });

  it('suggests nothing for a word that is not near any name', () => {
    expect(nearestName('myspace', knownPlatforms())).toBeNull();
    expect(nearestName('xy', ['zoom', 'xyz'])).toBeNull();
    expect(nearestName('', ['zoom'])).toBeNull();
  });
});
