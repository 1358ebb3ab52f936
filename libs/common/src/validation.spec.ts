import { IsOptional, IsString, MaxLength, MinLength, ValidateNested, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { ApiError } from './errors';
import { ApiValidationPipe, validationDetails } from './validation';

class Child {
  @IsString()
  @MinLength(1)
  name: string;
}

class Parent {
  @IsString()
  @MinLength(1)
  @MaxLength(3)
  title: unknown;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Child)
  children?: Child[];
}

const details = (value: Partial<Parent>) => validationDetails(validateSync(Object.assign(new Parent(), value)));

describe('validationDetails', () => {
  it('reports a missing field once, as Required', () => {
    expect(details({})).toEqual([{ path: ['title'], message: 'Required' }]);
  });
  it('reports only the type error of a value of the wrong type', () => {
    expect(details({ title: 12345 })).toEqual([{ path: ['title'], message: 'title must be a string' }]);
  });
  it('reports every content rule a string fails, with nested paths', () => {
    const child = Object.assign(new Child(), { name: '' });
    expect(details({ title: '', children: [child] })).toEqual([
      { path: ['title'], message: 'title must be longer than or equal to 1 characters' },
      { path: ['children', 0, 'name'], message: 'name must be longer than or equal to 1 characters' },
    ]);
  });
});

class Body {
  @IsString()
  name: string;

  @IsOptional()
  tags?: unknown;
}

describe('ApiValidationPipe: text PostgreSQL cannot store', () => {
  const pipe = new ApiValidationPipe();
  const refusal = async (value: unknown, metadata: Parameters<ApiValidationPipe['transform']>[1]) => {
    try {
      await pipe.transform(value, metadata);
    } catch (e) {
      if (e instanceof ApiError) return { message: e.message, details: e.details };
      throw e;
    }
    return undefined;
  };

  it('refuses U+0000 or a lone surrogate in any string of a DTO, keys included, naming the field', async () => {
    expect(await refusal({ name: 'a\u0000b' }, { type: 'body', metatype: Body })).toEqual({
      message: 'Invalid request body',
      details: [{ path: ['name'], message: 'name must not contain U+0000 or a lone surrogate' }],
    });
    expect((await refusal({ name: 'ok', tags: ['x', { 'k\ud800': 1 }] }, { type: 'body', metatype: Body }))?.details?.[0].path).toEqual([
      'tags',
      1,
      'k\ud800',
    ]);
  });

  it('and in a plain string parameter', async () => {
    expect((await refusal('a\u0000', { type: 'param', metatype: String, data: 'id' }))?.details).toEqual([
      { path: ['id'], message: 'id must not contain U+0000 or a lone surrogate' },
    ]);
  });

  it('leaves bodies no DTO describes to their routes, and clean values pass', async () => {
    expect(await refusal({ name: 'a\u0000' }, { type: 'body', metatype: Object })).toBeUndefined();
    expect(await refusal({ name: 'Ada 😀' }, { type: 'body', metatype: Body })).toBeUndefined();
  });

  it('hands a custom decorator its own value as it is, without a promise (ingestion routes pay for each)', () => {
    const context = { source: { projectId: 'p' }, ip: '1.2.3.4', note: 'a\u0000' };
    expect(pipe.transform(context, { type: 'custom', metatype: Object })).toBe(context);
  });
});
