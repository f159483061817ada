/**
 * Previous / next links of a paginated list (review of habilitations, R25 list). Belongs with the
 * shared components of `src/views/components.tsx`; kept here while that file is being changed by
 * another piece of work — move it there when both are merged.
 */
export function Pager(props: { page: number; pages: number; href: (page: number) => string; label?: string }) {
  if (props.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={props.label ?? 'Pagination'}>
      <ul>
        {props.page > 1 ? (
          <li>
            <a href={props.href(props.page - 1)} rel="prev">
              Page précédente
            </a>
          </li>
        ) : null}
        <li aria-current="page">
          Page {props.page} sur {props.pages}
        </li>
        {props.page < props.pages ? (
          <li>
            <a href={props.href(props.page + 1)} rel="next">
              Page suivante
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
