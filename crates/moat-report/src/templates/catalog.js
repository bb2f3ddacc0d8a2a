(function () {
  'use strict';
  var doc = document.documentElement;
  doc.classList.add('js');
  var rows = Array.prototype.slice.call(document.querySelectorAll('[data-row]'));
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var panels = Array.prototype.slice.call(document.querySelectorAll('.panel'));
  var tabs = Array.prototype.slice.call(document.querySelectorAll('.tab'));
  var q = document.getElementById('q');
  var fStride = document.getElementById('f-stride');
  var fSeverity = document.getElementById('f-severity');
  var fBand = document.getElementById('f-band');
  var status = document.getElementById('status');

  function activate(key) {
    panels.forEach(function (p) { p.classList.toggle('active', p.getAttribute('data-panel') === key); });
    tabs.forEach(function (t) { t.classList.toggle('active', t.getAttribute('data-tab') === key); });
  }

  function has(row, attr, value) {
    if (!value || !row.hasAttribute(attr)) { return true; }
    return row.getAttribute(attr).split(' ').indexOf(value) >= 0;
  }

  function apply() {
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var counts = {};
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) >= 0; }) &&
        has(row, 'data-stride', fStride.value) &&
        has(row, 'data-severity', fSeverity.value) &&
        has(row, 'data-band', fBand.value);
      row.hidden = !ok;
      var key = row.getAttribute('data-row');
      counts[key] = (counts[key] || 0) + (ok ? 1 : 0);
      if (ok) { shown += 1; }
    });
    document.querySelectorAll('[data-count]').forEach(function (c) {
      c.textContent = counts[c.getAttribute('data-count')] || 0;
    });
    document.querySelectorAll('.framework').forEach(function (f) {
      var visible = f.querySelector('tr[data-row]:not([hidden])');
      f.hidden = !visible && f.querySelector('tr[data-row]') !== null;
    });
    panels.forEach(function (p) {
      var any = p.querySelector('[data-row]:not([hidden])');
      var empty = p.querySelector('.empty');
      if (empty) { empty.hidden = !!any || !p.querySelector('[data-row]'); }
    });
    var filtered = terms.length || fStride.value || fSeverity.value || fBand.value;
    status.textContent = filtered ? shown + ' of ' + rows.length + ' shown' : '';
  }

  function reveal(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el) { return false; }
    var row = el.closest('[data-row]');
    if (row && row.hidden) {
      q.value = ''; fStride.value = ''; fSeverity.value = ''; fBand.value = '';
      apply();
    }
    var panel = el.closest('.panel');
    if (panel) { activate(panel.getAttribute('data-panel')); }
    var d = el.closest('details');
    while (d) { d.open = true; d = d.parentElement ? d.parentElement.closest('details') : null; }
    var own = el.querySelector(':scope > details');
    if (own) { own.open = true; }
    if (el.scrollIntoView) { el.scrollIntoView(); }
    return true;
  }

  function fromHash() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = location.hash.slice(1); }
    var el = id ? document.getElementById(id) : null;
    if (el && el.classList.contains('panel')) { activate(el.getAttribute('data-panel')); window.scrollTo(0, 0); return; }
    if (!reveal(id)) { activate(panels.length ? panels[0].getAttribute('data-panel') : ''); }
  }

  tabs.forEach(function (t) {
    t.addEventListener('click', function (e) {
      e.preventDefault();
      activate(t.getAttribute('data-tab'));
      try { history.replaceState(null, '', '#sec-' + t.getAttribute('data-tab')); } catch (err) { /* some file:// pages refuse */ }
    });
  });
  [q, fStride, fSeverity, fBand].forEach(function (el) { el.addEventListener('input', apply); });
  document.getElementById('expand').addEventListener('click', function () {
    document.querySelectorAll('.panel.active details').forEach(function (d) { if (!d.closest('[hidden]')) { d.open = true; } });
  });
  document.getElementById('collapse').addEventListener('click', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = false; });
  });
  document.getElementById('reset').addEventListener('click', function () {
    q.value = ''; fStride.value = ''; fSeverity.value = ''; fBand.value = ''; apply();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  window.addEventListener('hashchange', fromHash);
  apply();
  fromHash();
})();
