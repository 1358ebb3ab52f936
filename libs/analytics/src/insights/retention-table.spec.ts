import { activeUsersLabel, activeUsersSeries, cohortTable, engagementOf, retentionSeries } from './retention-table';

const TZ = 'UTC';
const weeks = ['2024-04-01', '2024-04-08', '2024-04-15'].map((d) => new Date(`${d}T00:00:00Z`));

describe('retention tables', () => {
  it('cohorts count "on or after"; the weighted average pools only the cohorts old enough for a column', () => {
    const rows = [
      { cohort: 0, span: 0, users: 2 },
      { cohort: 0, span: 2, users: 2 },
      { cohort: 1, span: 1, users: 1 },
      { cohort: 1, span: 0, users: 3 },
      { cohort: 2, span: 0, users: 6 },
    ];
    const now = new Date('2024-04-17T00:00:00Z'); // in the third week
    const [avg, ...cohorts] = cohortTable(rows, weeks, 'week', TZ, now);
    expect(cohorts).toEqual([
      { cohort_interval: '2024-04-01T00:00:00.000Z', sum: 4, values: [4, 2, 2], percentages: [1, 0.5, 0.5] },
      { cohort_interval: '2024-04-08T00:00:00.000Z', sum: 4, values: [4, 1, 0], percentages: [1, 0.25, 0] },
      { cohort_interval: '2024-04-15T00:00:00.000Z', sum: 6, values: [6, 0, 0], percentages: [1, 0, 0] },
    ]);
    // Column 1: weeks 0 and 1 (3 of 8); column 2: week 0 only (2 of 4). Mean size 14 / 3.
    expect(avg).toEqual({ cohort_interval: 'Weighted Average', sum: 4.67, values: [4.67, 1.75, 2.33], percentages: [1, 0.38, 0.5] });
  });

  it('empty windows give zeros, never NaN', () => {
    const [avg, first] = cohortTable([], weeks, 'week', TZ, new Date('2024-05-01T00:00:00Z'));
    expect(avg).toEqual({ cohort_interval: 'Weighted Average', sum: 0, values: [0, 0, 0], percentages: [0, 0, 0] });
    expect(first.percentages).toEqual([0, 0, 0]);
    expect(retentionSeries([], weeks, TZ).map((r) => r.retention)).toEqual([0, 0, 0]);
  });

  it('week over week in percent, zero-filled', () => {
    expect(retentionSeries([{ active_users: [0, 3, 0], retained_users: [0, 1, 0] }], weeks, TZ)).toEqual([
      { date: '2024-04-01T00:00:00.000Z', active_users: 0, retained_users: 0, retention: 0 },
      { date: '2024-04-08T00:00:00.000Z', active_users: 3, retained_users: 1, retention: 33.33 },
      { date: '2024-04-15T00:00:00.000Z', active_users: 0, retained_users: 0, retention: 0 },
    ]);
  });

  it('labels and zero-filled days of active users', () => {
    expect([1, 7, 30, 14].map(activeUsersLabel)).toEqual(['DAU', 'WAU', 'MAU', '14d active']);
    expect(activeUsersSeries([{ users: [0, 0, 5] }], weeks, 7, TZ).series.map((s) => s.users)).toEqual([0, 0, 5]);
  });

  it('engagement buckets at 7, 14, 30 and 60 days', () => {
    const rows = [0, 7, 8, 14, 15, 30, 31, 60, 61, 400].map((days) => ({ days, users: 1 }));
    expect(engagementOf(rows).summary).toEqual({
      total_identified_users: 10,
      active_last_7_days: 2,
      active_8_to_14_days: 2,
      active_15_to_30_days: 2,
      inactive_31_to_60_days: 2,
      churned_60_plus_days: 2,
    });
  });
});
