import { listBuckets, nextBucket, bucketStart } from './buckets';

/** listBuckets steps a day at a time; it must give what nextBucket gives bucket by bucket. */
describe('listBuckets agrees with nextBucket', () => {
  const zones = ['UTC', 'Europe/Paris', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kathmandu', 'America/Santiago', 'Pacific/Chatham'];
  for (const tz of zones) {
    it(`hour and minute buckets in ${tz}`, () => {
      for (const [interval, days] of [
        ['hour', 400],
        ['minute', 3],
      ] as const) {
        const range = { start: new Date('2024-03-20T05:17:00Z'), end: new Date(Date.parse('2024-03-20T05:17:00Z') + days * 86_400_000) };
        const slow: number[] = [];
        for (let b = bucketStart(range.start, interval, tz); b.getTime() < range.end.getTime(); b = nextBucket(b, interval, tz))
          slow.push(b.getTime());
        expect(listBuckets(range, interval, tz).map((b) => b.getTime())).toEqual(slow);
        expect(listBuckets(range, interval, tz, 10).map((b) => b.getTime())).toEqual(slow.slice(0, 10));
      }
    });
  }
});
