// The page as an agent reads it: headings, text runs and interactive elements in document order.
// Interactive elements get data-dp-ref="eN" (N from `start`) so tools can act on them; with an open
// modal dialog only its content is listed (the rest of the page is behind it).
(start) => {
  const INTERACTIVE = 'a[href], button, input, select, textarea, summary, [role=button], [role=link], [role=checkbox], [role=radio]';
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'HEAD']);
  document.querySelectorAll('[data-dp-ref]').forEach((el) => el.removeAttribute('data-dp-ref'));
  // the document's id (see _document.js); events before this observation no longer count
  const dp = window.__dp || null;
  if (dp) { dp.submit = null; dp.navigate = null; }
  const shown = (el) => el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true });
  const modals = [...document.querySelectorAll('[aria-modal="true"], dialog[open]')].filter(shown);
  const root = modals.length ? modals[modals.length - 1] : document.body;
  const clean = (text) => (text || '').replace(/\s+/g, ' ').trim();
  const items = [];
  let n = start;
  let line = null;

  const rgba = (text) => {
    const m = (text || '').match(/rgba?\(([^)]+)\)/);
    if (!m) return [255, 255, 255, 0];
    const p = m[1].split(',').map((x) => parseFloat(x));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const luminance = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const backdrop = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  // Visual weight: height x font size, more for bold text and a filled, contrasting background,
  // less for text that barely stands out from what is behind it.
  const prominence = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize) || 12;
    const own = rgba(s.backgroundColor);
    const behind = backdrop(el.parentElement || el);
    const filled = own[3] > 0.5 && Math.abs(luminance(own) - luminance(behind)) > 0.08 ? 1 : 0;
    const fg = rgba(s.color);
    const bg = own[3] > 0.5 ? own : behind;
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const contrast = (hi + 0.05) / (lo + 0.05);
    const weight = parseInt(s.fontWeight, 10) >= 600 ? 1.25 : 1;
    return Math.round(Math.min(r.height, 80) * size * weight * (1 + filled) * Math.min(1, contrast / 4.5));
  };
  const role = (el) => {
    const explicit = el.getAttribute('role');
    if (explicit) return explicit;
    const tag = el.tagName;
    if (tag === 'A') return 'link';
    if (tag === 'BUTTON' || tag === 'SUMMARY') return 'button';
    if (tag === 'SELECT') return 'combobox';
    if (tag === 'TEXTAREA') return 'textbox';
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (['submit', 'button', 'reset', 'image'].includes(type)) return 'button';
    if (type === 'checkbox') return 'checkbox';
    if (type === 'radio') return 'radio';
    return 'textbox';
  };
  const name = (el) => {
    const aria = el.getAttribute('aria-label');
    if (aria) return clean(aria);
    const by = el.getAttribute('aria-labelledby');
    if (by) return clean(by.split(/\s+/).map((id) => (document.getElementById(id) || {}).textContent).join(' '));
    if (el.labels && el.labels.length) return clean([...el.labels].map((l) => l.innerText).join(' '));
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) return clean(el.value);
    if (['A', 'BUTTON', 'SUMMARY'].includes(el.tagName) || el.getAttribute('role')) return clean(el.innerText);
    return clean(el.getAttribute('placeholder') || el.getAttribute('title') || el.getAttribute('name'));
  };
  const flush = () => { if (line && line.text) items.push(line); line = null; };
  const isBlock = (el) => !['inline', 'inline-block', 'inline-flex', 'contents'].includes(getComputedStyle(el).display);
  const blockOf = (node) => {
    let el = node.parentElement;
    while (el && el !== root && !isBlock(el)) el = el.parentElement;
    return el;
  };

  const walk = (el) => {
    if (SKIP.has(el.tagName.toUpperCase()) || el.getAttribute('aria-hidden') === 'true' || !shown(el)) return;
    if (el.matches(INTERACTIVE) && !(el.tagName === 'INPUT' && el.type === 'hidden')) {
      flush();
      const ref = 'e' + (n++);
      el.setAttribute('data-dp-ref', ref);
      const r = el.getBoundingClientRect();
      const item = {
        kind: 'control', ref, role: role(el), name: name(el).slice(0, 200), tag: el.tagName.toLowerCase(),
        prominence: prominence(el), y: Math.round(r.top + window.scrollY),
        disabled: !!el.disabled, required: !!el.required, nav: !!el.closest('nav'),
      };
      if (item.role === 'checkbox' || item.role === 'radio') {
        item.checked = !!el.checked;
        if (el.name) item.group = el.name;
      } else if (el.tagName === 'SELECT') {
        item.options = [...el.options].map((o) => clean(o.text));
        item.value = el.selectedIndex >= 0 ? clean(el.options[el.selectedIndex].text) : '';
      } else if (item.role === 'textbox') {
        item.value = el.value || '';
        item.input_type = (el.getAttribute('type') || 'text').toLowerCase();
      }
      if (el.tagName === 'A') item.href = el.getAttribute('href');
      items.push(item);
      return;
    }
    if (/^H[1-6]$/.test(el.tagName) && !el.querySelector(INTERACTIVE)) {
      flush();
      items.push({ kind: 'heading', level: parseInt(el.tagName[1], 10), text: clean(el.innerText) });
      return;
    }
    if (el.tagName === 'LABEL' && el.control) {
      for (const child of el.children) if (child.matches(INTERACTIVE)) walk(child);
      return;
    }
    for (const child of el.childNodes) {
      if (child.nodeType === 1) walk(child);
      else if (child.nodeType === 3 && clean(child.textContent)) {
        const block = blockOf(child);
        if (!line || line.block !== block) { flush(); line = { kind: 'text', text: '', block }; }
        line.text = clean(line.text + ' ' + child.textContent);
      }
    }
  };
  walk(root);
  flush();
  for (const item of items) delete item.block;
  return {
    title: document.title,
    url: location.href,
    modal: modals.length > 0,
    scroll_y: Math.round(window.scrollY),
    page_height: Math.round(document.documentElement.scrollHeight),
    viewport_height: window.innerHeight,
    next: n,
    doc: dp ? dp.doc : '',
    items,
  };
}
