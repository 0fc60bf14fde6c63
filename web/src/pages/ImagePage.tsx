import { useQuery } from '@apollo/client';
import { PageTitle } from '../components/PageTitle';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { Thumbnail } from '../components/Thumbnail';
import { ExplorerImageDocument } from '../generated/graphql';
import { formatCount, searchHref } from '../lib/format';
import { usePageOperation } from '../lib/pageOperation';
import { Link, useLocation } from '../lib/router';

export default function ImagePage() {
  const { path } = useLocation();
  const id = decodeURIComponent(path.slice('/images/'.length));
  usePageOperation(ExplorerImageDocument, { id });
  const { data, loading, error } = useQuery(ExplorerImageDocument, { variables: { id } });
  const image = data?.image;
  return (
    <section>
      <PageTitle title={`Image ${id}`}>
        Image <code>{id}</code>
      </PageTitle>
      {loading && <Loading what="Loading the image" />}
      <ErrorMessage error={error} />
      {data && !image && <Empty>No image has the id “{id}”.</Empty>}
      {image && (
        <div className="image-detail">
          <figure>
            <Thumbnail id={image.id} url={image.url} size="large" alt={`Image ${image.id}: ${image.classes.map((c) => c.description).join(', ')}`} />
            <figcaption>
              <a href={image.url} rel="noreferrer">
                Original file
              </a>
            </figcaption>
          </figure>
          <div>
            <h2>Classes</h2>
            {image.classes.length === 0 ? (
              <Empty>No classes are labelled on this image.</Empty>
            ) : (
              <ul className="tags" aria-label="Classes">
                {image.classes.map((c) => (
                  <li key={c.label} className="tag">
                    <Link href={searchHref([c.description])}>{c.description}</Link> <span className="muted">({formatCount(c.imageCount)} images)</span>
                  </li>
                ))}
              </ul>
            )}
            <h2>Relations</h2>
            {image.relations.length === 0 ? (
              <Empty>No relations are annotated on this image.</Empty>
            ) : (
              <ul className="relation-list" aria-label="Relations">
                {image.relations.map((r, i) => (
                  <li key={i} className="triple">
                    <Link href={searchHref([r.subject.description])}>{r.subject.description}</Link>
                    <span className="arrow" aria-label="then">
                      →
                    </span>
                    <Link href={`/relations?relation=${encodeURIComponent(r.relation)}`}>
                      <strong>{r.relation}</strong>
                    </Link>
                    <span className="arrow" aria-label="then">
                      →
                    </span>
                    <Link href={searchHref([r.object.description])}>{r.object.description}</Link>
                  </li>
                ))}
              </ul>
            )}
            {image.classes.length > 1 && (
              <p>
                <Link
                  href={searchHref(
                    image.classes.map((c) => c.description),
                    'ALL',
                  )}
                >
                  Images with all of these classes
                </Link>
              </p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
