import { ApiError } from '@app/common';
import { parseJson, utf8 } from '../capture-body';
import { obj, str } from '../capture-context';

/** A decoded PostHog request: its events and what the wrapper says about all of them. */
export interface PosthogEnvelope {
  events: unknown[];
  /** `api_key` / `token` of a `{ batch: [...] }` wrapper: wins over the events' own. */
  token?: string;
  /** `sent_at` of the wrapper, for clock-skew correction. */
  sentAt?: unknown;
  /** `historical_migration: true`: an import of old events. */
  historical: boolean;
}

const MAX_TOKEN_LENGTH = 64;
// Printable ASCII only (this also rules out NUL).
const TOKEN = /^[\x21-\x7e]+$/;

/** `data` given as a string inside a JSON body: JSON, or base64 of JSON. */
function dataText(value: string): unknown {
  const s = value.trim();
  return parseJson(s.startsWith('[') || s.startsWith('{') ? s : utf8(Buffer.from(s.replace(/ /g, '+'), 'base64')));
}

/**
 * The three shapes PostHog accepts: an array of events; a wrapper `{ api_key|token, batch |
 * data, sent_at?, historical_migration? }`; or one event.
 */
export function readEnvelope(json: unknown): PosthogEnvelope {
  if (Array.isArray(json)) return { events: json, historical: false };
  const wrapper = obj(json);
  if (!wrapper) throw ApiError.badRequest('Expected an event, an array of events or a batch');
  if (wrapper.event !== undefined && !Array.isArray(wrapper.batch)) return { events: [wrapper], historical: false };
  const data = typeof wrapper.data === 'string' ? dataText(wrapper.data) : wrapper.data;
  const list = Array.isArray(wrapper.batch) ? wrapper.batch : Array.isArray(data) ? data : obj(data) ? [data] : undefined;
  if (!list) return { events: [wrapper], historical: false };
  return {
    events: list,
    token: str(wrapper.api_key) ?? str(wrapper.token),
    sentAt: wrapper.sent_at,
    historical: wrapper.historical_migration === true,
  };
}

function eventToken(event: unknown): string | undefined {
  const e = obj(event);
  if (!e) return undefined;
  return str(e.api_key) ?? str(e.token) ?? str(e.$token) ?? str(obj(e.properties)?.token);
}

/**
 * The project key of a request: the wrapper's `api_key`/`token` wins; else the events' own
 * (`api_key`, `token`, `$token`, `properties.token`), which must all agree; else `?token=` or
 * `?api_key=`. Missing, conflicting or malformed → 401.
 */
export function resolveToken(envelope: PosthogEnvelope, query: { token?: unknown; api_key?: unknown }): string {
  let token = envelope.token;
  if (token === undefined) {
    for (const event of envelope.events) {
      const own = eventToken(event);
      if (own === undefined) continue;
      if (token !== undefined && own !== token) throw ApiError.unauthorized('Several different API keys in one request');
      token = own;
    }
  }
  token ??= str(query.token) ?? str(query.api_key);
  if (token === undefined) {
    throw ApiError.unauthorized('API key not provided. You can find your project API key in your project settings.');
  }
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) throw ApiError.unauthorized('Invalid API key');
  return token;
}
