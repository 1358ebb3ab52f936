import type { ExportFormat } from './dto/export-events.query.dto';

const BY_MEDIA_TYPE: Record<string, ExportFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'text/csv': 'csv',
};

/**
 * The answer format of /export/events: `format=` when given, else the most preferred media
 * type of `Accept` that we serve (q-values honoured, ties in the client's order), else JSON.
 */
export function exportFormat(format: ExportFormat | undefined, accept: string | undefined): ExportFormat {
  if (format) return format;
  if (!accept) return 'json';
  const ranked = accept
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { type: type.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((m) => m.weight > 0 && m.type in BY_MEDIA_TYPE)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.length > 0 ? BY_MEDIA_TYPE[ranked[0].type] : 'json';
}
