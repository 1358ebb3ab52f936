import { profileTraits } from './profile-traits';
import { applyUserAgentOverrides, parseUserAgent } from './user-agent';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const PARIS = { country: 'France', country_code: 'FR', city: 'Paris', region: 'Île-de-France', longitude: 2.35, latitude: 48.86 };
const NOWHERE = { country: '', country_code: '', city: '', region: '', longitude: null, latitude: null };

describe('profileTraits', () => {
  it('names the place and the device under OpenPanel’s keys, the country as its code', () => {
    expect(profileTraits(PARIS, parseUserAgent(CHROME))).toEqual({
      country: 'FR',
      city: 'Paris',
      region: 'Île-de-France',
      longitude: 2.35,
      latitude: 48.86,
      os: 'Windows',
      os_version: '10',
      browser: 'Chrome',
      browser_version: '124.0.0.0',
      device: 'desktop',
    });
  });

  it('leaves out what is unknown (a private address, a server), so it never blanks a stored value', () => {
    expect(profileTraits(NOWHERE, parseUserAgent('node-fetch/1.0'))).toEqual({ device: 'server' });
  });

  it('takes the device a native SDK names in its properties', () => {
    const ua = applyUserAgentOverrides(parseUserAgent(''), { __os: 'Android', __osVersion: '14', __brand: 'Google', __model: 'Pixel 8' });
    expect(profileTraits(NOWHERE, ua)).toMatchObject({ os: 'Android', os_version: '14', brand: 'Google', model: 'Pixel 8' });
  });
});
