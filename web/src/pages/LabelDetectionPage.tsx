import { useMutation } from '@apollo/client';
import { useEffect, useState } from 'react';
import { FileDrop } from '../components/FileDrop';
import { LabelResults } from '../components/LabelResults';
import { PageTitle } from '../components/PageTitle';
import { ErrorMessage, Loading } from '../components/States';
import { ExplorerLabelDetectionDocument } from '../generated/graphql';
import { announce } from '../lib/announce';
import { useCapability } from '../lib/capabilities';
import { usePageOperation } from '../lib/pageOperation';
import { Unavailable } from '../components/Unavailable';

const VISION_HINTS = {
  VISION_UNAVAILABLE:
    'This gateway is not connected to Google Cloud Vision. Start it with Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS) or VISION_API_ENDPOINT to use label detection; the Classify page works without it.',
  VISION_PERMISSION_DENIED: 'The gateway’s Google account may not use the Vision API (permission or billing).',
  VISION_QUOTA_EXCEEDED: 'The Vision API quota is used up for now; try again later.',
  VISION_TIMEOUT: 'Cloud Vision did not answer in time; try again.',
};

export default function LabelDetectionPage() {
  const [files, setFiles] = useState<File[]>([]);
  const [detect, { data, loading, error, reset }] = useMutation(ExplorerLabelDetectionDocument);
  usePageOperation(ExplorerLabelDetectionDocument, { files, maxResults: 5 });
  // Known before any upload: a gateway without Vision says so on arrival (undefined while unknown: as before).
  const capability = useCapability('labelDetection');
  useEffect(() => {
    if (data) announce(`Labels for ${data.labelDetection.length} ${data.labelDetection.length === 1 ? 'photo' : 'photos'}`);
  }, [data]);
  const run = (chosen: File[]) => {
    setFiles(chosen);
    reset();
    detect({ variables: { files: chosen, maxResults: 5 } }).catch(() => undefined);
  };
  return (
    <section>
      <PageTitle title="Label detection">Label detection with Cloud Vision</PageTitle>
      <p>The same as Classify, with labels from the Google Cloud Vision API (its labels carry Knowledge Graph ids, the ids Open Images uses).</p>
      {capability.available === false ? (
        <Unavailable title="Label detection is not available here" reason={capability.reason} />
      ) : (
        <FileDrop multiple label="Choose photos" onFiles={run} disabled={loading} />
      )}
      {loading && <Loading what="Asking Cloud Vision" />}
      <ErrorMessage error={error} hints={VISION_HINTS} title="Label detection failed" />
      {data && <LabelResults files={files} results={data.labelDetection} />}
    </section>
  );
}
