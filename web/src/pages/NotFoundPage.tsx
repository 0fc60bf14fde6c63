import { PageTitle } from '../components/PageTitle';
import { Link } from '../lib/router';

export default function NotFoundPage() {
  return (
    <section>
      <PageTitle title="Page not found">Page not found</PageTitle>
      <p>
        There is no page at this address. Start from the <Link href="/classes">classes</Link>.
      </p>
    </section>
  );
}
