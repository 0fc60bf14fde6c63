import { useQuery } from '@apollo/client';
import { useEffect, useState } from 'react';
import { PageTitle } from '../components/PageTitle';
import { connectionPage, Pager } from '../components/Pager';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { Thumbnail } from '../components/Thumbnail';
import { ExplorerRelationTypesDocument, ExplorerSearchRelationsDocument } from '../generated/graphql';
import { announce, useFocusOnChange } from '../lib/announce';
import { formatCount, imageHref, searchHref } from '../lib/format';
import { usePageOperation } from '../lib/pageOperation';
import { Link, useQueryState } from '../lib/router';
import './RelationsPage.css';

const PAGE_SIZE = 20;

/** A name typed without a wildcard, as a contains-pattern (`cup` → `%cup%`); other input as it is. */
const containing = (pattern: string) => (pattern !== '' && !/[%_]/.test(pattern) ? `%${pattern}%` : pattern);

export default function RelationsPage() {
  const [params, setParams] = useQueryState();
  const subject = params.get('subject') ?? '';
  const relation = params.get('relation') ?? '';
  const object = params.get('object') ?? '';
  const after = params.get('after');
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [form, setForm] = useState({ subject, relation, object });
  useEffect(() => setForm({ subject, relation, object }), [subject, relation, object]);

  const types = useQuery(ExplorerRelationTypesDocument);
  const variables = { subject: subject || '%', relation: relation || '%', object: object || '%', first: PAGE_SIZE, after };
  usePageOperation(ExplorerSearchRelationsDocument, variables);
  const { data, loading, error } = useQuery(ExplorerSearchRelationsDocument, { variables });
  const edges = data?.searchRelations.edges ?? [];
  const total = data?.searchRelations.totalCount;

  // An exact search that finds nothing: how many the same names would find as contains-patterns (first: 0 counts only).
  const widened = { subject: containing(subject), object: containing(object) };
  const widens = widened.subject !== subject || widened.object !== object;
  const contains = useQuery(ExplorerSearchRelationsDocument, {
    variables: { subject: widened.subject || '%', relation: relation || '%', object: widened.object || '%', first: 0 },
    skip: total !== 0 || !widens,
  });
  const containsCount = contains.data?.searchRelations.totalCount;
  const typedExactly = [subject !== widened.subject && `“${subject}” as subject`, object !== widened.object && `“${object}” as object`].filter(Boolean).join(' and ');

  const resultsRef = useFocusOnChange<HTMLElement>(data ? `${subject}|${relation}|${object}|${after ?? ''}` : null);
  useEffect(() => {
    if (total === undefined) return;
    if (total > 0) announce(`${formatCount(total)} relations found`);
    else if (!widens) announce('No relation matches these patterns');
  }, [total, widens, subject, relation, object, after]);
  useEffect(() => {
    if (containsCount !== undefined) announce(`No relation has exactly ${typedExactly}; ${formatCount(containsCount)} contain ${typedExactly.includes(' and ') ? 'them' : 'it'}`);
  }, [containsCount, typedExactly]);

  return (
    <section>
      <PageTitle title="Relations">Relations: subject → relation → object</PageTitle>
      <form
        className="toolbar relation-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setParams({ subject: form.subject.trim(), relation: form.relation, object: form.object.trim(), after: null, page: null });
        }}
      >
        <div className="field">
          <label htmlFor="rel-subject">Subject</label>
          <input id="rel-subject" type="text" placeholder="e.g. Woman or %man" value={form.subject} onChange={(event) => setForm({ ...form, subject: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="rel-relation">Relation</label>
          <select id="rel-relation" value={form.relation} onChange={(event) => setForm({ ...form, relation: event.target.value })}>
            <option value="">any relation</option>
            {types.data?.relationTypes.map((type) => (
              <option key={type.name} value={type.name}>
                {type.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rel-object">Object</label>
          <input id="rel-object" type="text" placeholder="e.g. %cup%" value={form.object} onChange={(event) => setForm({ ...form, object: event.target.value })} />
        </div>
        <button type="submit">Search</button>
      </form>
      <p className="muted">Patterns are case-insensitive; % matches any text and _ one character. Empty means anything.</p>
      {loading && <Loading what="Searching relations" />}
      <ErrorMessage error={error ?? types.error} />
      <section className="relation-results" aria-label="Results" ref={resultsRef} tabIndex={-1}>
        {data && edges.length === 0 && !widens && <Empty>No relation matches these patterns.</Empty>}
        {data && edges.length === 0 && widens && (
          <div className="state state-empty contains-hint" role="status">
            <p>
              No relation has exactly {typedExactly}. Names match whole descriptions unless you add <code>%</code>.
            </p>
            {contains.loading && <p>Counting the relations that contain {subject !== widened.subject && object !== widened.object ? 'them' : 'it'}…</p>}
            {containsCount === 0 && <p>None contains {subject !== widened.subject && object !== widened.object ? 'them' : 'it'} either.</p>}
            {containsCount !== undefined && containsCount > 0 && (
              <p>
                <button type="button" onClick={() => setParams({ subject: widened.subject, object: widened.object, after: null, page: null })}>
                  Show the {formatCount(containsCount)} {containsCount === 1 ? 'relation' : 'relations'} containing{' '}
                  {[widened.subject !== subject && widened.subject, widened.object !== object && widened.object].filter(Boolean).join(' and ')}
                </button>
              </p>
            )}
          </div>
        )}
        {edges.length > 0 && (
          <ul className="relation-list" aria-label="Relations">
            {edges.map(({ cursor, node }) => (
              <li key={cursor} className="relation-row">
                {/* The picture repeats the id link of the row: one stop for the keyboard and one name for screen readers. */}
                <Link href={imageHref(node.image.id)} aria-hidden="true" tabIndex={-1}>
                  <Thumbnail id={node.image.id} url={node.image.url} alt="" />
                </Link>
                <p className="triple">
                  <Link href={searchHref([node.subject.description])}>{node.subject.description}</Link>
                  <span className="arrow" aria-label="then">
                    →
                  </span>
                  <strong>{node.relation}</strong>
                  <span className="arrow" aria-label="then">
                    →
                  </span>
                  <Link href={searchHref([node.object.description])}>{node.object.description}</Link>
                </p>
                <Link href={imageHref(node.image.id)} className="image-id">
                  {node.image.id}
                </Link>
              </li>
            ))}
          </ul>
        )}
        {data && edges.length > 0 && (
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            {...connectionPage(data.searchRelations)}
            onPage={(cursor, nextPage) => setParams({ after: cursor, page: nextPage > 1 ? String(nextPage) : null })}
          />
        )}
      </section>
    </section>
  );
}
