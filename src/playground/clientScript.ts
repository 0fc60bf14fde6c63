import { EXAMPLE_TABS } from './exampleTabs.generated';

/**
 * The browser-side setup, served as /graphql/assets/playground.js: the page's CSP forbids
 * inline scripts, so this cannot live in the HTML. Plain ES2017 on the globals that the UMD
 * bundles define (React, ReactDOM, GraphiQL, GraphiQLPluginExplorer: the explorer plugin, a
 * field picker in the sidebar).
 *
 * The fetcher sends `apollo-require-preflight` so Apollo's CSRF prevention lets GraphiQL's
 * requests through. Subscriptions go through graphql-sse's client (GraphQL over Server-Sent
 * Events, same URL); GraphiQL shows each event as it comes. `?query=` (and `variables`,
 * `operationName`) in the page URL prefill the editor.
 */
export const PLAYGROUND_SCRIPT = `(function () {
  'use strict';
  var endpoint = window.location.origin + window.location.pathname;
  var params = new URLSearchParams(window.location.search);
  var send = GraphiQL.createFetcher({
    url: endpoint,
    headers: { 'apollo-require-preflight': 'true' },
    enableIncrementalDelivery: false
  });
  var streams = graphqlSse.createClient({
    url: endpoint,
    headers: { 'apollo-require-preflight': 'true' },
    retryAttempts: 0
  });
  function operationOf(query, name) {
    try {
      var operations = GraphiQL.GraphQL.parse(query).definitions.filter(function (d) {
        return d.kind === 'OperationDefinition';
      });
      var named = operations.filter(function (d) {
        return name ? d.name && d.name.value === name : true;
      });
      return named.length === 1 ? named[0].operation : undefined;
    } catch (e) {
      return undefined;
    }
  }
  // Right after a tab switch GraphiQL can still hold the previous tab's operation name;
  // a name the document does not define is dropped rather than sent.
  function definedName(query, name) {
    if (!name) return name;
    try {
      var known = GraphiQL.GraphQL.parse(query).definitions.some(function (d) {
        return d.kind === 'OperationDefinition' && d.name && d.name.value === name;
      });
      return known ? name : undefined;
    } catch (e) {
      return name;
    }
  }
  function fetcher(params, options) {
    var request = Object.assign({}, params, { operationName: definedName(params.query, params.operationName) });
    if (operationOf(request.query, request.operationName) === 'subscription') {
      return streams.iterate({ query: request.query, variables: request.variables || undefined, operationName: request.operationName || undefined });
    }
    return send(request, options);
  }
  var props = {
    fetcher: fetcher,
    defaultTabs: ${JSON.stringify(EXAMPLE_TABS)},
    defaultEditorToolsVisibility: true,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()]
  };
  if (params.get('query')) {
    props.query = params.get('query');
    props.variables = params.get('variables') || undefined;
    props.operationName = params.get('operationName') || undefined;
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;
