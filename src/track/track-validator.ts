import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { JSON_BODY_AJV_OPTIONS } from '../app.setup';
import { TRACK_ITEM_SCHEMA, TRACK_TYPES, trackItemSchemaOf } from './track.schema';

const ajv = addFormats(new Ajv(JSON_BODY_AJV_OPTIONS));
const validateItem = ajv.compile(TRACK_ITEM_SCHEMA);
/**
 * The item schema narrowed to each `type`: a batch item is checked against its own type's
 * schema only, without trying the other types' conditions (each failed condition costs an
 * error object, for every item). Items with an unknown type take `validateItem`.
 */
const validateByType: ReadonlyMap<unknown, ValidateFunction> = new Map(
  TRACK_TYPES.map((type) => [type, ajv.compile(trackItemSchemaOf(type))]),
);

/**
 * Checks one /track/batch item against the /track body schema, compiled once with the
 * options of the route validator (a single /track is checked by its route). Answers what is
 * wrong with it, or undefined for an item that is a TrackItem.
 */
export function trackItemSchemaProblem(raw: unknown): string | undefined {
  const validate = (raw !== null && typeof raw === 'object' && validateByType.get((raw as { type?: unknown }).type)) || validateItem;
  return validate(raw) ? undefined : describe(validate.errors ?? []);
}

function describe(errors: ErrorObject[]): string {
  const e = errors[0];
  if (!e) return 'Invalid item';
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'item';
  return `${where} ${e.message ?? 'is invalid'}`;
}
