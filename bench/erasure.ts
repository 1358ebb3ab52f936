/**
 * Erasure benchmark (issue 19 §2). Run:
 *   BENCH_DATA_DIR=dir npm run bench:erasure
 *
 * Needs the kept data set of bench/insights.ts (`BENCH_DATA_DIR=dir npm run bench:insights`
 * makes it: 10 million events, their sessions, 50,000 profiles). Each run adds one person to the
 * bench project (an id of its own, `bench-erase-<run>`, so the data set's people are never
 * touched): a profile with a group membership, an alias, BENCH_PERSON_EVENTS events (default
 * 3,000; one in six under the alias) in visits on its own device, and their sessions (built by
 * the session builder). It then times the erasure end to end through HTTP: `POST
 * /manage/erasures`, then `GET /manage/erasures/:id` every 20 ms until `done`. The second pass
 * (ERASURE_SECOND_PASS_MS, 62 s by default, a wait for other nodes) is set to 0 here: the
 * figure is the work. After each run it checks that the person is gone and that the number of
 * the other events is what it was. Prints each run and the median.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClickhouseService } from '@app/clickhouse';
import { SessionBuilder } from '../src/sessions';
import { startBenchApp } from './app';

const KEPT = process.env.BENCH_DATA_DIR;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PERSON_EVENTS = Number(process.env.BENCH_PERSON_EVENTS ?? 3_000);
const PER_VISIT = 10;

async function main(): Promise<void> {
  const statePath = KEPT ? join(KEPT, 'bench-state.json') : '';
  if (!KEPT || !existsSync(statePath)) {
    throw new Error('BENCH_DATA_DIR must name the kept data set of bench/insights.ts (BENCH_DATA_DIR=dir npm run bench:insights)');
  }
  const { root, projectId } = JSON.parse(readFileSync(statePath, 'utf8')) as { root: { id: string; secret: string }; projectId: string };
  const { app, base, headers } = await startBenchApp(
    {
      DATA_DIR: KEPT,
      MANAGE_RATE_LIMIT: '1000000',
      SESSION_BUILD_INTERVAL_MS: '0',
      ERASURE_SECOND_PASS_MS: '0',
      ERASURE_INTERVAL_MS: '1000',
    },
    root,
  );
  const json = { ...headers, 'content-type': 'application/json' };
  try {
    const ch = app.get(ClickhouseService);
    const count = async (where: string, params: Record<string, unknown> = {}) =>
      Number(
        (
          await (
            await ch.client.query({
              query: `SELECT count() AS c FROM ${ch.table('events')} WHERE project_id = {p:String} AND ${where}`,
              query_params: { p: projectId, ...params },
              format: 'JSONEachRow',
            })
          ).json<{ c: string }>()
        )[0].c,
      );
    const others = () => count(`NOT startsWith(profile_id, 'bench-erase-')`);
    const writeClient = (await (
      await fetch(`${base}/manage/clients`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: 'erasure bench', mode: 'write', projectId }),
      })
    ).json()) as { data: { id: string; secret: string } };
    const writer = {
      'openpanel-client-id': writeClient.data.id,
      'openpanel-client-secret': writeClient.data.secret,
      'content-type': 'application/json',
    };
    const track = async (type: string, payload: object) => {
      const res = await fetch(`${base}/track`, { method: 'POST', headers: writer, body: JSON.stringify({ type, payload }) });
      if (res.status !== 200) throw new Error(`/track ${type}: ${res.status} ${await res.text()}`);
    };
    const othersBefore = await others();
    console.log(
      `${(await count('true')).toLocaleString('en')} events in the bench project, ${othersBefore.toLocaleString('en')} of the data set's people`,
    );

    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const person = `bench-erase-${Date.now().toString(36)}-${run}`;
      const alias = `${person}-anon`;
      await track('identify', { profileId: person, firstName: 'Bench', email: `${person}@example.com` });
      await track('group', { id: 'bench-erase-group', type: 'company', name: 'Bench' });
      await track('assign_group', { profileId: person, groupIds: ['bench-erase-group'] });
      await track('alias', { profileId: person, alias });
      // The person's visits, in the engine: PER_VISIT events a minute apart, visits a day apart.
      await ch.client.command({
        query:
          `INSERT INTO ${ch.table('events')} (id, name, device_id, profile_id, project_id, session_id, path, origin, created_at) ` +
          `SELECT generateUUIDv4(number), if(number % ${PER_VISIT} = 0, 'screen_view', 'click'), {device:String}, ` +
          `if(number % 6 = 0, {alias:String}, {person:String}), {p:String}, '', concat('/page/', toString(number % 50)), ` +
          `'https://shop.example.com', now64(3) - toIntervalDay(intDiv(number, ${PER_VISIT}) % 300) + toIntervalMinute(number % ${PER_VISIT}) ` +
          `FROM numbers({n:UInt64})`,
        query_params: { device: `${person}-device`, alias, person, p: projectId, n: PERSON_EVENTS },
      });
      await app.get(SessionBuilder).runOnce({ lagMs: 0 });
      const events = await count('profile_id IN {ids:Array(String)}', { ids: [person, alias] });

      const started = performance.now();
      const created = await fetch(`${base}/manage/erasures`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ projectId, profileId: person }),
      });
      if (created.status !== 202) throw new Error(`POST /manage/erasures: ${created.status} ${await created.text()}`);
      const { id } = ((await created.json()) as { data: { id: string } }).data;
      let job: { status: string; counts: Record<string, number> | null; lastError: string | null };
      for (;;) {
        job = ((await (await fetch(`${base}/manage/erasures/${id}`, { headers })).json()) as { data: typeof job }).data;
        if (job.status === 'done') break;
        if (job.status === 'failed') throw new Error(`erasure failed: ${job.lastError}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const ms = performance.now() - started;
      times.push(ms);
      const left = await count('profile_id IN {ids:Array(String)}', { ids: [person, alias] });
      const othersAfter = await others();
      if (left !== 0 || othersAfter !== othersBefore)
        throw new Error(`after the erasure: ${left} of the person's events, ${othersAfter} others`);
      console.log(`run ${run + 1}: ${events} events erased in ${Math.round(ms)} ms, counts ${JSON.stringify(job.counts)}`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `median ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms over ${RUNS} runs (min ${Math.round(sorted[0])}, max ${Math.round(sorted.at(-1)!)})`,
    );
  } finally {
    await app.close();
  }
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
