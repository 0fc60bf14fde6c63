import { useQuery } from '@apollo/client';
import { useEffect, useState } from 'react';
import { PageTitle } from '../components/PageTitle';
import { connectionPage, Pager } from '../components/Pager';
import { ScrollRegion } from '../components/ScrollRegion';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { ExplorerClassesDocument, ExplorerRelationTypesDocument } from '../generated/graphql';
import { announce, useFocusOnChange } from '../lib/announce';
import { formatCount, searchHref } from '../lib/format';
import { Link, useQueryState } from '../lib/router';

const PAGE_SIZE = 25;
/** Sorting by image count happens here, over at most this many matches (the API's largest page). */
const SORT_WINDOW = 1000;

export default function ClassesPage() {
  const [params, setParams] = useQueryState();
  const search = params.get('q') ?? '';
  const sort = params.get('sort') === 'count' ? 'count' : 'name';
  const after = params.get('after');
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);

  const byName = sort === 'name';
  const { data, loading, error } = useQuery(ExplorerClassesDocument, {
    variables: byName ? { search: search || null, first: PAGE_SIZE, after } : { search: search || null, first: SORT_WINDOW },
  });

  const all = data?.classes.edges.map((edge) => edge.node) ?? [];
  const rows = byName ? all : [...all].sort((a, b) => b.imageCount - a.imageCount || a.description.localeCompare(b.description)).slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const total = data?.classes.totalCount ?? 0;
  // By name, the server pages (a connection); by image count, the page sorts one window of matches itself.
  const nextCursor = byName ? (data ? connectionPage(data.classes).nextCursor : null) : page * PAGE_SIZE < all.length ? String(page + 1) : null;
  const shownTotal = byName ? total : Math.min(total, all.length);

  // Arrived results are read out; a new search or page (not a sort change, made in a select) also takes the focus.
  const summary = data ? (rows.length ? `${formatCount(rows.length)} classes shown of ${formatCount(shownTotal)}` : `No class matches “${search}”`) : null;
  useEffect(() => {
    if (summary) announce(summary);
  }, [summary, search, sort, page]);
  const results = useFocusOnChange<HTMLTableElement>(data ? `${search}|${after ?? ''}|${page}` : null);

  return (
    <div className="two-columns">
      <section aria-labelledby="classes-heading">
        <PageTitle title="Classes">
          <span id="classes-heading">Classes</span>
        </PageTitle>
        <form
          className="toolbar"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setParams({ q: text.trim(), after: null, page: null });
          }}
        >
          <label htmlFor="class-search">Search classes</label>
          <input id="class-search" type="search" value={text} placeholder="e.g. cup" onChange={(event) => setText(event.target.value)} />
          <button type="submit">Search</button>
          <label htmlFor="class-sort">Sort by</label>
          <select id="class-sort" value={sort} onChange={(event) => setParams({ sort: event.target.value === 'count' ? 'count' : null, after: null, page: null })}>
            <option value="name">Name (A–Z)</option>
            <option value="count">Most images</option>
          </select>
        </form>
        {loading && !data && <Loading what="Loading classes" />}
        <ErrorMessage error={error} />
        {data && rows.length === 0 && <Empty>{search ? `No class with images matches “${search}”.` : 'No classes have images yet.'}</Empty>}
        {rows.length > 0 && (
          <ScrollRegion label="Classes table">
            <table ref={results} tabIndex={-1} className="data-table classes-table" aria-describedby="classes-caption">
              <caption id="classes-caption" className="visually-hidden">
                Open Images classes with their number of images
              </caption>
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col">Label</th>
                  <th scope="col" className="num">
                    Images
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((node) => (
                  <tr key={node.label}>
                    <td>
                      <Link href={searchHref([node.description])}>{node.description}</Link>
                    </td>
                    <td>
                      <code>{node.label}</code>
                    </td>
                    <td className="num">{formatCount(node.imageCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
        {data && (
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={shownTotal}
            shown={rows.length}
            nextCursor={nextCursor}
            onPage={(cursor, nextPage) => setParams(byName ? { after: cursor, page: nextPage > 1 ? String(nextPage) : null } : { page: nextPage > 1 ? String(nextPage) : null })}
          />
        )}
        {!byName && total > SORT_WINDOW && <p className="muted">Sorted among the first {formatCount(SORT_WINDOW)} matches by name; narrow the search to sort all of them.</p>}
      </section>
      <RelationTypes />
    </div>
  );
}

function RelationTypes() {
  const { data, loading, error } = useQuery(ExplorerRelationTypesDocument);
  return (
    <section aria-labelledby="relation-types-heading" className="side">
      <h2 id="relation-types-heading">Relation types</h2>
      {loading && <Loading what="Loading relation types" />}
      <ErrorMessage error={error} />
      {data && data.relationTypes.length === 0 && <Empty>No relations in the dataset.</Empty>}
      {data && data.relationTypes.length > 0 && (
        <ScrollRegion label="Relation types table">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Relation</th>
                <th scope="col" className="num">
                  Images
                </th>
              </tr>
            </thead>
            <tbody>
              {data.relationTypes.map((type) => (
                <tr key={type.name}>
                  <td>
                    <Link href={`/relations?relation=${encodeURIComponent(type.name)}`}>{type.name}</Link>
                  </td>
                  <td className="num">{formatCount(type.imageCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
