import { useLazyQuery } from '@apollo/client';
import { useEffect, useMemo, useState } from 'react';
import { FileDrop } from '../components/FileDrop';
import { FilePreview } from '../components/FilePreview';
import { PageTitle } from '../components/PageTitle';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { Thumbnail } from '../components/Thumbnail';
import { ExplorerSimilarImagesDocument } from '../generated/graphql';
import { announce } from '../lib/announce';
import { useCapability } from '../lib/capabilities';
import { imageHref } from '../lib/format';
import { usePageOperation } from '../lib/pageOperation';
import { Link } from '../lib/router';
import { Unavailable } from '../components/Unavailable';

export default function SimilarPage() {
  const [file, setFile] = useState<File | null>(null);
  // A File serialises as {} in the cache key: never answer one upload from another's cache entry.
  const [search, { data, loading, error }] = useLazyQuery(ExplorerSimilarImagesDocument, { fetchPolicy: 'no-cache' });
  const preview = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);
  const results = data?.similarImages ?? [];
  usePageOperation(ExplorerSimilarImagesDocument, { file, first: 24 });
  // Known before any upload: a gateway without an embeddings index says so on arrival (undefined while unknown: as before).
  const capability = useCapability('similarImages');
  useEffect(() => {
    if (data) announce(data.similarImages.length === 0 ? 'No neighbours found' : `${data.similarImages.length} similar images found`);
  }, [data]);
  return (
    <section>
      <PageTitle title="Similar images">Similar images</PageTitle>
      <p>Find the images of the gateway’s embeddings file that look most like a photo of yours.</p>
      {capability.available === false ? (
        <Unavailable title="Similar images are not available here" reason={capability.reason} />
      ) : (
        <FileDrop
          multiple={false}
          label="Choose a photo"
          disabled={loading}
          onFiles={([chosen]) => {
            setFile(chosen);
            search({ variables: { file: chosen, first: 24 } }).catch(() => undefined);
          }}
        />
      )}
      {preview && (
        <p className="query-image">
          <FilePreview key={preview} url={preview} />
          <span>
            Neighbours of <strong>{file?.name}</strong>
          </span>
        </p>
      )}
      {loading && <Loading what="Looking for similar images" />}
      <ErrorMessage
        error={error}
        hints={{ EMBEDDINGS_UNAVAILABLE: 'The gateway has no embeddings file loaded. Make one with npm run embed and start the gateway with EMBEDDINGS=<file>.' }}
        title="The search failed"
      />
      {data && results.length === 0 && <Empty>No neighbours found.</Empty>}
      {results.length > 0 && (
        <ol className="image-grid" aria-label="Similar images">
          {results.map((result) => (
            <li key={result.path} className="card">
              {result.image ? (
                <Link href={imageHref(result.image.id)} className="card-image" aria-label={`Image ${result.image.id}`}>
                  <Thumbnail id={result.image.id} url={result.image.url} alt="" />
                </Link>
              ) : (
                <span className="card-image">
                  <span className="thumb thumb-small thumb-failed">
                    <span className="thumb-placeholder">
                      <span className="thumb-id">{result.path}</span>
                      <span className="thumb-note">not an Open Images id</span>
                    </span>
                  </span>
                </span>
              )}
              <div className="card-body">
                <span className="image-id">{result.path}</span>
                <p className="muted">
                  {result.label && `${result.label} · `}similarity {result.score.toFixed(3)}
                </p>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
