import { useQuery, type ApolloError } from '@apollo/client';
import { useEffect, useRef } from 'react';
import { ClassPicker } from '../components/ClassPicker';
import { PageTitle } from '../components/PageTitle';
import { connectionPage, Pager } from '../components/Pager';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { Thumbnail } from '../components/Thumbnail';
import { ExplorerSearchImagesDocument } from '../generated/graphql';
import { announce } from '../lib/announce';
import { formatCount, imageHref, searchHref } from '../lib/format';
import { usePageOperation } from '../lib/pageOperation';
import { hrefWith, Link, navigate, useLocation } from '../lib/router';

const PAGE_SIZE = 24;

/**
 * The names of `classes` the gateway did not know (BAD_USER_INPUT with `extensions.unknownClasses`, each
 * cut to its first characters with a trailing …), e.g. from a shared link; null for any other error.
 */
function unknownClassesIn(error: ApolloError | undefined, classes: string[]): string[] | null {
  const reported = error?.graphQLErrors.find((e) => Array.isArray(e.extensions?.unknownClasses))?.extensions?.unknownClasses as string[] | undefined;
  if (!reported) return null;
  const matches = (name: string, given: string) => (given.endsWith('…') ? name.startsWith(given.slice(0, -1)) : name.toLowerCase() === given.toLowerCase());
  const unknown = classes.filter((name) => reported.some((given) => matches(name, given)));
  return unknown.length > 0 ? unknown : null;
}

export default function SearchPage() {
  const { path, params } = useLocation();
  const classes = params.getAll('class').filter(Boolean);
  const match: 'ANY' | 'ALL' = params.get('match') === 'ALL' ? 'ALL' : 'ANY';
  const after = params.get('after');
  const page = Math.max(1, Number(params.get('page')) || 1);

  const setClasses = (next: string[], nextMatch = match) => navigate(searchHref(next, nextMatch));
  const variables = { classes, match, first: PAGE_SIZE, after };
  usePageOperation(ExplorerSearchImagesDocument, variables);
  const { data, loading, error } = useQuery(ExplorerSearchImagesDocument, { variables, skip: classes.length === 0 });
  const edges = data?.searchImages.edges ?? [];
  const total = data?.searchImages.totalCount;
  const chosen = new Set(classes.map((c) => c.toLowerCase()));
  const unknown = unknownClassesIn(error, classes);
  // Paging moves the focus to the new results (the pager is at the bottom); picking a class keeps it in the picker.
  const resultsRef = useRef<HTMLUListElement>(null);
  const shownPage = useRef({ query: `${match}|${classes.join('|')}`, after: after ?? '' });
  useEffect(() => {
    if (edges.length === 0) return;
    const query = `${match}|${classes.join('|')}`;
    const paged = shownPage.current.query === query && shownPage.current.after !== (after ?? '');
    shownPage.current = { query, after: after ?? '' };
    if (paged) resultsRef.current?.focus();
  }, [edges, match, classes, after]);
  useEffect(() => {
    if (data && total !== undefined) announce(total === 0 ? 'No images found' : `${formatCount(total)} images found`);
  }, [data, total]);

  return (
    <section>
      <PageTitle title="Search images">Search images by class</PageTitle>
      <div className="toolbar">
        <ClassPicker label="Add a class" exclude={classes} onPick={(description) => setClasses([...classes, description])} />
        <fieldset className="segmented">
          <legend>Images with</legend>
          <label>
            <input type="radio" name="match" value="ANY" checked={match === 'ANY'} onChange={() => setClasses(classes, 'ANY')} /> any of the classes
          </label>
          <label>
            <input type="radio" name="match" value="ALL" checked={match === 'ALL'} onChange={() => setClasses(classes, 'ALL')} /> all of them
          </label>
        </fieldset>
      </div>
      {classes.length > 0 && (
        <ul className="chips" aria-label="Chosen classes">
          {classes.map((description) => (
            <li key={description} className="chip">
              {description}
              <button type="button" aria-label={`Remove ${description}`} onClick={() => setClasses(classes.filter((c) => c !== description))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {classes.length === 0 && <Empty>Add one or more classes to see the images labelled with them, e.g. Woman and Coffee cup.</Empty>}
      {loading && <Loading what="Searching images" />}
      {unknown ? (
        <div className="state state-error" role="alert">
          <strong>
            {unknown.length === 1 ? 'There is no class named ' : 'There are no classes named '}
            {unknown.map((name, i) => (
              <span key={name}>
                {i > 0 && ', '}“{name}”
              </span>
            ))}
          </strong>
          <p>Search takes the class names the picker lists.</p>
          <p>
            {unknown.map((name) => (
              <button key={name} type="button" onClick={() => setClasses(classes.filter((c) => c !== name))}>
                Remove “{name}”
              </button>
            ))}
          </p>
        </div>
      ) : (
        <ErrorMessage error={error} hints={{ BAD_USER_INPUT: 'Check the class names: each must be an Open Images class description.' }} />
      )}
      {data && edges.length === 0 && <Empty>No image has {match === 'ALL' ? 'all of' : 'any of'} these classes.</Empty>}
      {edges.length > 0 && (
        <ul className="image-grid" aria-label="Images" ref={resultsRef} tabIndex={-1}>
          {edges.map(({ node }) => (
            <li key={node.id} className="card">
              {/* The picture repeats the id link below: one stop for the keyboard and one name for screen readers. */}
              <Link href={imageHref(node.id)} className="card-image" aria-hidden="true" tabIndex={-1}>
                <Thumbnail id={node.id} url={node.url} alt="" />
              </Link>
              <div className="card-body">
                <Link href={imageHref(node.id)} className="image-id">
                  {node.id}
                </Link>
                <ul className="tags" aria-label="Classes">
                  {node.classes.map((c) => (
                    <li key={c.label} className={chosen.has(c.description.toLowerCase()) ? 'tag tag-match' : 'tag'}>
                      {c.description}
                    </li>
                  ))}
                </ul>
              </div>
            </li>
          ))}
        </ul>
      )}
      {data && classes.length > 0 && (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          {...connectionPage(data.searchImages)}
          onPage={(cursor, nextPage) => navigate(hrefWith(path, params, { after: cursor, page: nextPage > 1 ? String(nextPage) : null }))}
        />
      )}
    </section>
  );
}
