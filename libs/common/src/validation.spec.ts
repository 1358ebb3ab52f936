import { IsOptional, IsString, MaxLength, MinLength, ValidateNested, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { validationDetails } from './validation';

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
