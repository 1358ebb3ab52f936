import type { GeoInfo } from './geo';
import type { UserAgentInfo } from './user-agent';

export type ProfileTraits = Record<string, string | number>;

/**
 * What OpenPanel's legacy POST /profile adds to a profile's properties from its request:
 * where the address is (the country as its ISO code) and what the user agent says, under
 * OpenPanel's keys. Unknown fields are left out rather than stored empty, so they never
 * blank a value the profile already has.
 */
export function profileTraits(geo: Readonly<GeoInfo>, ua: Readonly<UserAgentInfo>): ProfileTraits {
  const traits: Record<string, string | number | null> = {
    country: geo.country_code,
    city: geo.city,
    region: geo.region,
    longitude: geo.longitude,
    latitude: geo.latitude,
    os: ua.os,
    os_version: ua.osVersion,
    browser: ua.browser,
    browser_version: ua.browserVersion,
    device: ua.device,
    brand: ua.brand,
    model: ua.model,
  };
  const out: ProfileTraits = {};
  for (const [key, value] of Object.entries(traits)) if (value !== null && value !== '') out[key] = value;
  return out;
}
