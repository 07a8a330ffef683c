/**
 * Collects query parameters and hands out `{name:Type}` placeholders, so every value a request
 * carries reaches ClickHouse as a typed parameter and never as SQL text.
 * @see https://clickhouse.com/docs/interfaces/cli#cli-queries-with-parameters
 */
export class ParamBag {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  constructor(private readonly prefix = 'p') {}

  /** Adds a value and returns its placeholder, e.g. `{p3:String}`. */
  add(type: string, value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}
