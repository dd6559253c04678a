// Starts GraphiQL against this service's /graphql (same origin; no external resources).
// URL parameters: `q` (the query in the editor), `variables`, `headers`, and `run=1` to run
// the query once the editor is ready (for links that show a result).
(function () {
  "use strict";
  var parameters = new URLSearchParams(window.location.search);
  var endpoint = new URL("/graphql", window.location.href).toString();
  // Subscriptions over graphql-transport-ws on the same path; the headers editor's values
  // (e.g. {"Authorization": "Bearer ..."}) go in connection_init.
  var subscriptionUrl = endpoint.replace(/^http/, "ws");
  var fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: subscriptionUrl });

  function keep(name, value) {
    var next = new URLSearchParams(window.location.search);
    if (value) {
      next.set(name, value);
    } else {
      next.delete(name);
    }
    next.delete("run");
    history.replaceState(null, "", "?" + next.toString());
  }

  var defaultQuery =
    "# Model Catalog. Run with Ctrl-Enter (or the play button).\n" +
    "{\n  models(first: 5) {\n    totalCount\n    edges { node { canonicalName name } }\n  }\n}\n";

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      query: parameters.get("q") || undefined,
      variables: parameters.get("variables") || undefined,
      headers: parameters.get("headers") || undefined,
      onEditQuery: function (value) { keep("q", value); },
      onEditVariables: function (value) { keep("variables", value); },
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));

  if (parameters.get("run") === "1") {
    // Click "run" once the button is there and the schema has loaded (bounded retries).
    var attempts = 0;
    var timer = window.setInterval(function () {
      attempts += 1;
      var button = document.querySelector(".graphiql-execute-button");
      var ready = button && document.querySelector(".graphiql-doc-explorer-search, .graphiql-sidebar");
      if (ready || attempts > 200) {
        window.clearInterval(timer);
        if (button) {
          button.click();
        }
      }
    }, 50);
  }
})();
