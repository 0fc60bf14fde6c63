import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { LiveRegion } from './components/LiveRegion';
import { SiteHeader } from './components/SiteHeader';
import { Loading } from './components/States';
import { useLocation } from './lib/router';

/** Every page is its own chunk, loaded when first visited; the shell stays small. */
interface Page {
  path: string;
  name: string;
  component: LazyExoticComponent<ComponentType>;
}

export const PAGES: Page[] = [
  { path: '/classes', name: 'Classes', component: lazy(() => import('./pages/ClassesPage')) },
  { path: '/search', name: 'Search', component: lazy(() => import('./pages/SearchPage')) },
  { path: '/relations', name: 'Relations', component: lazy(() => import('./pages/RelationsPage')) },
  { path: '/classify', name: 'Classify', component: lazy(() => import('./pages/ClassifyPage')) },
  { path: '/label-detection', name: 'Label detection', component: lazy(() => import('./pages/LabelDetectionPage')) },
  { path: '/models', name: 'Models', component: lazy(() => import('./pages/ModelsPage')) },
  { path: '/training', name: 'Training', component: lazy(() => import('./pages/TrainingPage')) },
  { path: '/similar', name: 'Similar images', component: lazy(() => import('./pages/SimilarPage')) },
];

const ImagePage = lazy(() => import('./pages/ImagePage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

function routeOf(path: string): { page?: Page; component: LazyExoticComponent<ComponentType> } {
  if (path === '/' || path === '') return { page: PAGES[0], component: PAGES[0].component };
  if (path.startsWith('/images/')) return { page: PAGES[1], component: ImagePage };
  const page = PAGES.find((p) => p.path === path.replace(/\/+$/, ''));
  return page ? { page, component: page.component } : { component: NotFoundPage };
}

export function App() {
  const { path } = useLocation();
  const { page: current, component: Current } = routeOf(path);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader pages={PAGES} current={current} />
      <main id="main">
        <Suspense fallback={<Loading what="Loading the page" />}>
          <Current />
        </Suspense>
      </main>
      <LiveRegion />
    </>
  );
}
