import { MAX_PROJECT_ID_LENGTH, slugify, suffixed } from './project-slug';

describe('slugify', () => {
  it('keeps ascii letters and digits, joins the rest with single dashes', () => {
    expect(slugify('My Wébsite!')).toBe('my-website');
    expect(slugify('  --Hello,   World--  ')).toBe('hello-world');
    expect(slugify('!!!')).toBe('project');
  });
  it('leaves room for the suffix of a taken slug, so every id fits MAX_PROJECT_ID_LENGTH', () => {
    const slug = slugify('x'.repeat(300));
    expect(slug).toBe('x'.repeat(95));
    expect(suffixed(slug)).toHaveLength(MAX_PROJECT_ID_LENGTH);
  });
  it('never ends in a dash where the cut falls', () => {
    expect(slugify(`${'a'.repeat(94)} b`)).toBe('a'.repeat(94));
  });
});
