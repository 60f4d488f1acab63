// Offline search snippets. Sphinx's search page fetches each result page to quote a snippet from
// it, which a browser refuses for file:// URLs (a CORS error per page, and no snippets). build.py
// writes the pages' main text into _static/page-text.js; this answers those fetches from it.
(() => {
  const pages = window.RNN_NB_PAGES || {};
  const fetchFromNetwork = window.fetch.bind(window);
  window.fetch = (url, ...rest) => {
    const name = new URL(url, document.baseURI).pathname.split('/').pop();
    if (Object.hasOwn(pages, name))
      return Promise.resolve(new Response(`<div role="main">${pages[name]}</div>`, {headers: {'Content-Type': 'text/html'}}));
    return fetchFromNetwork(url, ...rest);
  };
})();
