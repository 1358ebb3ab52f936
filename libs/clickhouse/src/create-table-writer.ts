import { DirectTableWriter } from './direct-table-writer';
import { LoggedTableWriter } from './logged-table-writer';
import type { TableWriter, TableWriterOptions } from './table-writer';

/** A writer with a write-ahead log when `walDir` is set, else one that acknowledges after the insert. */
export function createTableWriter<Row extends object>(options: TableWriterOptions<Row>): TableWriter<Row> {
  return options.walDir ? new LoggedTableWriter(options, options.walDir) : new DirectTableWriter(options);
}
