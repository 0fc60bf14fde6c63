import { graphiqlHref, useCurrentPageOperation } from '../lib/pageOperation';

/** The shell's link to the playground, carrying the current page's operation and variables when it has one. */
export function OpenInGraphiQL() {
  const operation = useCurrentPageOperation();
  return (
    <a href={graphiqlHref(operation)} className="nav-api" title={operation?.hasUploads ? 'Files cannot travel in a link: pick them again in GraphiQL' : undefined}>
      {operation ? 'Open in GraphiQL' : 'GraphQL playground'}
    </a>
  );
}
