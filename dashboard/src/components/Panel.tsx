import type { ReactNode } from 'react';

/** One dashboard panel: a labelled region with its heading and, when something failed, an alert. */
export function Panel({ id, title, error, children, actions }: { id: string; title: string; error?: string | null; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} id={id}>
      <header className="panel-header">
        <h2 id={`${id}-heading`}>{title}</h2>
        {actions}
      </header>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {children}
    </section>
  );
}
