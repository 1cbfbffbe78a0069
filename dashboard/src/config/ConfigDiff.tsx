import type { JsonValue } from '../json';
import { jsonDiff } from './jsonDiff';

const show = (value: JsonValue | undefined) => (value === undefined ? '' : JSON.stringify(value));

/** A config change as a list of field changes (before → after). */
export function ConfigDiff({ before, after }: { before: JsonValue | undefined; after: JsonValue }) {
  const lines = jsonDiff(before, after);
  if (lines.length === 0) return <p className="small">No change in value.</p>;
  return (
    <ul className="diff" aria-label="Changes">
      {lines.map((line) => (
        <li key={`${line.kind}:${line.path}`} className={`diff-${line.kind}`}>
          <code>{line.path || 'value'}</code>{' '}
          {line.kind === 'added' ? (
            <ins>{show(line.after)}</ins>
          ) : line.kind === 'removed' ? (
            <del>{show(line.before)}</del>
          ) : (
            <>
              <del>{show(line.before)}</del> → <ins>{show(line.after)}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
