/**
 * Collects the values of one statement and hands back their placeholders. Placeholder names
 * are generated (`p0`, `k1`, ...), so nothing the caller typed ever becomes SQL text; the
 * ClickHouse binder parses each value as its declared type.
 */
export class ParamBag {
  private readonly values: Record<string, string> = {};
  private counter = 0;

  /** A value compared against a column. */
  value(value: string, type = 'String'): string {
    return this.add('p', value, type);
  }

  /** A map key: `properties[{k0:String}]`. */
  key(key: string): string {
    return this.add('k', key, 'String');
  }

  /** A fixed, well-known name (`projectId`, `start`): the same name always binds the same value. */
  named(name: string, value: string, type: string): string {
    const existing = this.values[name];
    if (existing !== undefined && existing !== value) throw new Error(`parameter ${name} bound twice`);
    this.values[name] = value;
    return `{${name}:${type}}`;
  }

  get params(): Record<string, string> {
    return { ...this.values };
  }

  private add(prefix: string, value: string, type: string): string {
    const name = `${prefix}${this.counter++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}
