import { Link } from '../lib/router';
import { imageHref } from '../lib/format';
import { Thumbnail } from './Thumbnail';

/** A row of a class's dataset images, each linking to its detail page. */
export function ClassStrip({ description, images }: { description: string; images: { id: string; url: string }[] }) {
  if (images.length === 0) return <p className="muted">No images of {description} in the dataset.</p>;
  return (
    <ul className="strip" aria-label={`Images of ${description}`}>
      {images.map((image) => (
        <li key={image.id}>
          <Link href={imageHref(image.id)} aria-label={`Image ${image.id} (${description})`}>
            <Thumbnail id={image.id} url={image.url} alt="" />
          </Link>
        </li>
      ))}
    </ul>
  );
}
