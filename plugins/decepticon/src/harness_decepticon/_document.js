// Runs in every document before the page's own scripts (a browser-context init script).
// It gives the document an id and remembers the last `submit` and `navigate` events, so the
// harness can tell, right after an action, whether the page is about to be replaced (a form
// submission or a link that was not cancelled) and then wait for the new document: waits on
// page state, never on time.
(() => {
  if (window.__dp) return;
  const state = { doc: Math.random().toString(36).slice(2) + Date.now().toString(36), submit: null, navigate: null };
  Object.defineProperty(window, '__dp', { value: state });
  addEventListener('submit', (event) => { state.submit = event; });
  if (window.navigation) navigation.addEventListener('navigate', (event) => { state.navigate = event; });
})();
