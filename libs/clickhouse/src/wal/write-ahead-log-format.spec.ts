import { checkpointRecord, countLines, lineOffset, offsetAfterLines, parseCheckpoint } from './write-ahead-log-format';

describe('write-ahead log format', () => {
  const content = Buffer.from('["a",1]\n["b",2]\n["c",3]\n');

  it('counts lines and finds their offsets', () => {
    expect(countLines(content)).toBe(3);
    expect(offsetAfterLines(content, 2)).toBe(16);
    expect(offsetAfterLines(content, 4)).toBe(-1);
    expect([0, 1, 3, 5].map((n) => lineOffset(content, 3, n))).toEqual([0, 8, 24, 24]);
  });

  it('writes checkpoint records under the field name earlier versions wrote, and reads the last complete one', () => {
    expect(checkpointRecord({ inserted: 0, inflight: [0, 20] })).toBe('\n{"shipped":0,"inflight":[0,20]}');
    expect(checkpointRecord({ inserted: 20 })).toBe('\n{"shipped":20}');
    const log = `${checkpointRecord({ inserted: 0, inflight: [0, 20] })}${checkpointRecord({ inserted: 20 })}\n{"shipped":4`;
    expect(parseCheckpoint(log)).toEqual({ inserted: 20 });
    expect(parseCheckpoint('{"shipped":0,"inflight":[0,20]}')).toEqual({ inserted: 0, inflight: [0, 20] });
    expect(parseCheckpoint('')).toEqual({ inserted: 0 });
  });
});
