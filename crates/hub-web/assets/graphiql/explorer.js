// Romt hub GraphQL explorer: renders the vendored GraphiQL (graphiql.min.js,
// react.min.js, react-dom.min.js) into <div id="graphiql">. Loaded as an
// external script so the page needs no inline script and no 'unsafe-eval'
// under its Content-Security-Policy.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  if (!root) return;
  if (typeof window.GraphiQL !== 'function' || typeof window.React !== 'object' ||
      typeof window.ReactDOM !== 'object') {
    root.textContent = 'The GraphQL explorer could not load its scripts.';
    return;
  }

  // GraphiQL 3.8.3 keeps the headers of every executed query in its history
  // ("graphiql:queries" / "graphiql:favorites" in localStorage), whatever
  // shouldPersistHeaders says. Headers carry the Authorization bearer token,
  // so this storage drops them from those entries before they are written.
  var NS = 'graphiql:';
  var HISTORY_KEYS = { 'graphiql:queries': true, 'graphiql:favorites': true };
  function withoutHeaders(key, value) {
    if (!HISTORY_KEYS[key] || typeof value !== 'string') return value;
    try {
      var parsed = JSON.parse(value);
      var lists = parsed && typeof parsed === 'object' ? Object.keys(parsed) : [];
      lists.forEach(function (name) {
        if (Array.isArray(parsed[name])) {
          parsed[name].forEach(function (item) {
            if (item && typeof item === 'object') delete item.headers;
          });
        }
      });
      return JSON.stringify(parsed);
    } catch (e) {
      return null; // unparseable history: do not store it at all
    }
  }
  function ownKeys() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var k = window.localStorage.key(i);
      if (k && k.indexOf(NS) === 0) keys.push(k);
    }
    return keys;
  }
  var storage = null;
  try {
    var ls = window.localStorage;
    storage = {
      getItem: function (key) { return ls.getItem(key); },
      setItem: function (key, value) {
        var v = withoutHeaders(key, value);
        if (v === null) ls.removeItem(key); else ls.setItem(key, v);
      },
      removeItem: function (key) { ls.removeItem(key); },
      clear: function () { ownKeys().forEach(function (k) { ls.removeItem(k); }); },
      get length() { return ownKeys().length; }
    };
    // Scrub history written before this wrapper existed.
    Object.keys(HISTORY_KEYS).forEach(function (k) {
      var v = ls.getItem(k);
      if (v !== null) storage.setItem(k, v);
    });
  } catch (e) {
    storage = null;
  }

  var wsScheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = window.GraphiQL.createFetcher({
    url: '/graphql',
    subscriptionUrl: wsScheme + '//' + window.location.host + '/graphql/ws'
  });

  var defaultQuery = [
    '# Romt hub GraphQL explorer.',
    '# For authenticated fields, put in the Headers tab below:',
    '#   { "Authorization": "Bearer <your token>" }',
    '{',
    '  countries { code name currency }',
    '  dashboard(year: 2025) { year }',
    '}',
    ''
  ].join('\n');

  var props = {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    isHeadersEditorEnabled: true,
    // Never write the headers editor (the bearer token) to localStorage.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
    // null (localStorage unavailable) makes GraphiQL keep nothing.
    storage: storage
  };

  window.ReactDOM.createRoot(root).render(window.React.createElement(window.GraphiQL, props));

  // CodeMirror's hidden input areas have no accessible name; give each the name of its editor
  // as GraphiQL mounts (and remounts) them.
  function nameEditors() {
    var names = [
      ['.graphiql-query-editor', 'GraphQL query'],
      ['.graphiql-editor-tool [aria-label="Variables"], .graphiql-editor-tool', 'Variables or headers (JSON)'],
      ['.result-window, .graphiql-response', 'Result (read only)']
    ];
    names.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (editor) {
        editor.querySelectorAll('textarea').forEach(function (area) {
          if (!area.getAttribute('aria-label')) area.setAttribute('aria-label', pair[1]);
        });
      });
    });
    document.querySelectorAll('textarea:not([aria-label])').forEach(function (area) {
      area.setAttribute('aria-label', 'GraphQL editor');
    });
  }
  new MutationObserver(nameEditors).observe(root, { childList: true, subtree: true });
  nameEditors();
})();
