import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS, type InsightEventEqualityColumn } from '@app/analytics';
import { MAX_EVENT_NAME } from '../../export/dto/chart-definition.dto';
import { stringList } from '../../export/dto/query-transforms';
import { EqualityParam, InsightFilteredQueryDto, PageCursor, PageLimit } from './insight-query.dto';

/** The equality parameters of `/events`, by query name, and the event column each reads. */
export const EVENT_EQUALITY_PARAMS = {
  path: 'path',
  country: 'country',
  city: 'city',
  device: 'device',
  browser: 'browser',
  os: 'os',
  referrer: 'referrer',
  referrerName: 'referrer_name',
  referrerType: 'referrer_type',
  profileId: 'profile_id',
} as const satisfies Record<string, InsightEventEqualityColumn>;

const MAX_PROPERTY_KEY = 255;
const MAX_PROPERTY_VALUE = 1024;

/**
 * `properties` as sent: URL-encoded JSON of an object. Numbers and booleans read as their text
 * (the map holds strings); anything that is not such an object is left as sent for the
 * validator to refuse.
 */
export const PROPERTIES_QUERY_DOC =
  'URL-encoded JSON object: events whose property `key` is exactly `value`, for every pair (`{"plan":"pro"}`). Keys are the ' +
  'flattened dotted keys (`__query.utm_source`); numbers and booleans read as their text. Invalid JSON, or anything but ' +
  'such an object, is a 400.';

function propertyObject({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  return out;
}

function IsPropertyObject() {
  return ValidateBy({
    name: 'isPropertyObject',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length <= CHART_LIMITS.maxFilters &&
        Object.entries(v).every(
          ([k, s]) => k.length > 0 && k.length <= MAX_PROPERTY_KEY && typeof s === 'string' && s.length <= MAX_PROPERTY_VALUE,
        ),
      defaultMessage: () =>
        `Expected a JSON object of at most ${CHART_LIMITS.maxFilters} non-empty keys to string values, e.g. {"plan":"pro"}`,
    },
  });
}

const equality = (what: string) => EqualityParam(`Events whose ${what} is exactly this`);

export class InsightEventsQueryDto extends InsightFilteredQueryDto {
  @ApiPropertyOptional({
    description:
      'Event name(s): repeated (`eventNames=a&eventNames=b`), comma-separated (`eventNames=a,b`) or a JSON array (`eventNames=["a","b"]`)',
    type: [String],
    maxItems: 100,
  })
  @IsOptional()
  @Transform(stringList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(MAX_EVENT_NAME, { each: true })
  eventNames?: string[];

  @equality('path (without origin or query)') path?: string;
  @equality('country (name, or ISO code of two letters)') country?: string;
  @equality('city') city?: string;
  @equality('device type') device?: string;
  @equality('browser') browser?: string;
  @equality('operating system') os?: string;
  @equality('referrer URL') referrer?: string;
  @equality('referrer name') referrerName?: string;
  @equality('referrer type') referrerType?: string;
  @equality('profile id (a string, even when it looks like a number; OpenPanel refuses `123`)') profileId?: string;

  /** Documented by the controller (ApiQuery): a JSON text, not the object the plugin would infer. */
  @ApiHideProperty()
  @IsOptional()
  @Transform(propertyObject)
  @IsPropertyObject()
  properties?: Record<string, string>;

  @PageCursor('OpenPanel has no paging here; pages follow the stable order (newest first, ties by id).')
  cursor?: number;

  @PageLimit('Events per page')
  limit?: number;
}

export class EventPropertiesQueryDto {
  @ApiPropertyOptional({ description: 'Only the properties of this event name', maxLength: MAX_EVENT_NAME, example: 'screen_view' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_NAME)
  eventName?: string;
}

export class EventPropertyValuesQueryDto {
  @ApiProperty({ description: 'The event name', maxLength: MAX_EVENT_NAME, example: 'screen_view' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_NAME)
  eventName: string;

  @ApiProperty({ description: 'The property key, flattened with dots', maxLength: MAX_PROPERTY_KEY, example: '__query.utm_source' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PROPERTY_KEY)
  propertyKey: string;
}
