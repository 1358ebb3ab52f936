import { ApiError } from '@app/common';
import { type IncomingEvent, IngestBatch } from '@app/ingest';
import { BatchApplier } from './batch-applier.service';
import type { EventEnricher } from './event-enricher.service';
import type { IngestService } from './ingest.service';
import type { EventOutcome, IngestSource } from './ingest.types';
import type { ProfileChanges } from './profile-changes.service';

const SOURCE: IngestSource = { projectId: 'p', trusted: false, channel: 'openpanel' };
const event = (name: string, userAgent = 'Mozilla/5.0'): IncomingEvent => ({
  name,
  projectId: 'p',
  receivedAt: new Date(0),
  properties: {},
  groups: [],
  context: { ip: '203.0.113.7', userAgent },
});

/** The dispatch order and refusals only: the pipeline behind it is recorded, not run. */
function applier(refuse: (call: string) => Error | undefined = () => undefined) {
  const calls: string[] = [];
  const step = (call: string) => {
    calls.push(call);
    const error = refuse(call);
    return error ? Promise.reject(error) : Promise.resolve();
  };
  const ingest = {
    identify: (_: IngestSource, u: { profileId: string }) => step(`identify ${u.profileId}`),
    alias: (_: IngestSource, profileId: string, alias: string) => step(`alias ${profileId} ${alias}`),
    upsertGroup: (_: IngestSource, g: { id: string }) => step(`group ${g.id}`),
    assignGroups: (_: IngestSource, profileId: string, groupIds: string[], isExternal = true) =>
      step(`assign ${profileId} ${groupIds.join(',')} ${isExternal}`),
    increment: (_: IngestSource, profileId: string, property: string, delta: number) => step(`increment ${profileId} ${property} ${delta}`),
    botOf: (_: IngestSource, e: IncomingEvent) => (e.context.userAgent.includes('bot') ? { name: 'bot', type: 'crawler' } : undefined),
    ingestEvents: async (_: IngestSource, events: IncomingEvent[]): Promise<EventOutcome[]> => {
      calls.push(`events ${events.map((e) => e.name).join(',')}`);
      return events.map((e) => ({ status: 'stored', eventId: e.name, deviceId: 'd', sessionId: 's' }));
    },
  };
  return {
    calls,
    applier: new BatchApplier(ingest as unknown as IngestService, ingest as unknown as ProfileChanges, ingest as unknown as EventEnricher),
  };
}

describe('BatchApplier', () => {
  it('applies the changes in the order sent, then all events in one write', async () => {
    const batch = new IngestBatch();
    const a = event('a');
    batch.addUpdate(0, { kind: 'profile', update: { profileId: 'u' } }, a);
    batch.addEvent(0, a);
    batch.addUpdate(1, { kind: 'alias', profileId: 'u', alias: 'x' });
    batch.addUpdate(2, { kind: 'group', group: { id: 'g', type: 't', name: 'n' } });
    batch.addUpdate(2, { kind: 'assign', profileId: 'dev', groupIds: ['g'], isExternal: false });
    batch.addUpdate(3, { kind: 'increment', profileId: 'u', property: 'n', delta: -2 });
    batch.addEvent(4, event('b'));
    const { calls, applier: it } = applier();
    const { outcomes, refused } = await it.apply(SOURCE, batch);
    expect(calls).toEqual(['identify u', 'alias u x', 'group g', 'assign dev g false', 'increment u n -2', 'events a,b']);
    expect(outcomes.map((o) => o?.status)).toEqual(['stored', 'stored']);
    expect(refused).toEqual([]);
  });

  it("a change tied to a bot's event is not applied; other changes are", async () => {
    const batch = new IngestBatch();
    const bot = event('a', 'Googlebot/2.1');
    batch.addUpdate(0, { kind: 'profile', update: { profileId: 'u' } }, bot);
    batch.addEvent(0, bot);
    batch.addUpdate(1, { kind: 'profile', update: { profileId: 'v' } });
    const { calls, applier: it } = applier();
    await it.apply(SOURCE, batch);
    expect(calls).toEqual(['identify v', 'events a']);
  });

  it('a refused change refuses its item: its later changes and its event are left out, the rest goes on', async () => {
    const batch = new IngestBatch();
    batch.addEvent(0, event('a'));
    const b = event('b');
    batch.addUpdate(1, { kind: 'profile', update: { profileId: 'gone' } }, b);
    batch.addUpdate(1, { kind: 'alias', profileId: 'gone', alias: 'x' });
    batch.addEvent(1, b);
    batch.addUpdate(2, { kind: 'increment', profileId: 'u', property: 'n', delta: 1 });
    batch.addEvent(3, event('c'));
    const notFound = ApiError.notFound('Profile not found');
    const { calls, applier: it } = applier((call) => (call === 'identify gone' ? notFound : undefined));
    const { outcomes, refused } = await it.apply(SOURCE, batch);
    expect(calls).toEqual(['identify gone', 'increment u n 1', 'events a,c']);
    expect(refused).toEqual([{ index: 1, error: notFound }]);
    expect(outcomes.map((o) => (o && o.status !== 'bot' ? o.eventId : undefined))).toEqual(['a', undefined, 'c']);
  });

  it('a store outage (503) or an unexpected error fails the whole batch before any event is written', async () => {
    const unavailable = new ApiError('unavailable', 'Ingestion could not reach its stores, retry shortly');
    for (const error of [unavailable, new Error('boom')]) {
      const batch = new IngestBatch();
      batch.addUpdate(0, { kind: 'profile', update: { profileId: 'u' } });
      batch.addEvent(1, event('a'));
      const { calls, applier: it } = applier(() => error);
      await expect(it.apply(SOURCE, batch)).rejects.toBe(error);
      expect(calls).toEqual(['identify u']);
    }
  });
});
