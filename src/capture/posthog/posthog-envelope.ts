import { ApiError } from '@app/common';
import { gunzipPrefix, isGzip, parseJson, tooLarge, utf8 } from '../capture-body';
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

const MAX_TOKEN_LENGTH = 128;

/**
 * Events one request may carry. posthog-node sends 100 at most and posthog-js fewer; a
 * historical migration batches more. Each event costs the main thread about 11 µs in the
 * pipeline, so this bounds one request to well under a tenth of a second of it (a body of
 * 150,000 events held the event loop for 9 s).
 */
export const MAX_EVENTS_PER_REQUEST = 5000;

/** How much of the start of a body the glance for the key reads (inflated, when gzip). */
const GLANCE_BYTES = 64 * 1024;
// `"api_key": "…"` or `"token": "…"`, printable ASCII without quotes or backslashes.
const TOKEN_FIELD = /"(?:api_key|token)"\s*:\s*"([\x21\x23-\x5b\x5d-\x7e]{1,128})"/;
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
  const envelope = envelopeOf(json);
  if (envelope.events.length > MAX_EVENTS_PER_REQUEST) throw tooLarge(`A request carries at most ${MAX_EVENTS_PER_REQUEST} events`);
  return envelope;
}

function envelopeOf(json: unknown): PosthogEnvelope {
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

/**
 * The first key written near the start of a raw body (JSON, gzip of it, base64 of either, or
 * a form's `data` field holding those), found without decoding the body; undefined when there
 * is none to see cheaply (lz64, a gzip bomb, a key written late). Only a hint for checking the
 * key early: the decoded body still decides (`resolveToken`).
 */
export async function glanceToken(body: Buffer): Promise<string | undefined> {
  let start = body.subarray(0, GLANCE_BYTES);
  if (start.subarray(0, 5).toString('latin1') === 'data=')
    start = Buffer.from(new URLSearchParams(start.toString('latin1')).get('data') ?? '', 'latin1');
  if (start[0] !== 0x7b && start[0] !== 0x5b && !isGzip(start)) start = Buffer.from(start.toString('latin1').replace(/ /g, '+'), 'base64');
  const text = isGzip(start) ? await gunzipPrefix(isGzip(body) ? body : start, GLANCE_BYTES) : start;
  return text ? TOKEN_FIELD.exec(text.toString('latin1'))?.[1] : undefined;
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
