import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeviceSalts } from '@app/ingest';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Daily salts of the device id, shared by every API node through PostgreSQL: the first node
 * to need a day's salt creates it (a unique day makes concurrent creation harmless), the
 * others read it. Cached per UTC day.
 */
@Injectable()
export class SaltsService {
  private cached: { day: string; until: number; salts: Promise<DeviceSalts>; ready?: DeviceSalts } | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** The salts of `now`'s day when they are loaded already, so the hot path need not await. */
  peek(now: Date): DeviceSalts | undefined {
    return this.cachedFor(now)?.ready;
  }

  forDate(now: Date): Promise<DeviceSalts> {
    // Called for every event: the day's text is only worked out when the day changes.
    const hit = this.cachedFor(now);
    if (hit) return hit.salts;
    const day = now.toISOString().slice(0, 10);
    const salts = this.load(day);
    const entry: NonNullable<SaltsService['cached']> = { day, until: Date.parse(`${day}T00:00:00Z`) + DAY_MS, salts };
    this.cached = entry;
    salts.then(
      (ready) => {
        entry.ready = ready;
      },
      () => {
        if (this.cached === entry) this.cached = undefined;
      },
    );
    return salts;
  }

  /** The cache entry when it is `now`'s day's. */
  private cachedFor(now: Date): SaltsService['cached'] {
    const c = this.cached;
    const ms = now.getTime();
    return c && ms < c.until && ms >= c.until - DAY_MS ? c : undefined;
  }

  private async load(day: string): Promise<DeviceSalts> {
    await this.dataSource.query(`INSERT INTO salts (salt, day) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`, [
      randomBytes(32).toString('hex'),
      day,
    ]);
    const rows: { salt: string; day: string }[] = await this.dataSource.query(
      `SELECT salt, to_char(day, 'YYYY-MM-DD') AS day FROM salts WHERE day <= $1::date ORDER BY day DESC LIMIT 2`,
      [day],
    );
    const current = rows.find((r) => r.day === day)!.salt;
    const previous = rows.find((r) => r.day !== day)?.salt;
    return { current, previous };
  }
}
