import { ApolloProvider } from '@apollo/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createExplorerClient } from './lib/client';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={createExplorerClient()}>
      <App />
    </ApolloProvider>
  </StrictMode>,
);
