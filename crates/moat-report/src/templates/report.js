(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var all = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var byId = function (id) { return document.getElementById(id); };
  var rows = all('[data-row]');
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var filters = byId('filters');
  var q = byId('q');
  var selects = ['f-severity', 'f-stride', 'f-status'].map(byId).filter(Boolean);
  var shown = byId('shown');
  var diagram = byId('diagram');
  var selection = byId('selection');
  var selectionText = byId('selection-text');
  var selected = null;
  if (filters) { filters.hidden = false; }

  // a row without the attribute (a decision has no severity) is hidden while the filter is set
  function attrIs(row, attr, value) {
    if (!value) { return true; }
    return row.getAttribute(attr) === value;
  }

  function onTarget(row) {
    if (selected === null) { return true; }
    if (row.hasAttribute('data-target')) { return row.getAttribute('data-target') === selected; }
    if (row.hasAttribute('data-targets')) { return row.getAttribute('data-targets').split(' ').indexOf(selected) >= 0; }
    return false;
  }

  function apply() {
    var terms = q ? q.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var active = terms.length > 0 || selected !== null;
    var count = 0;
    rows.forEach(function (row, i) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) >= 0; }) && onTarget(row);
      selects.forEach(function (s) {
        if (s.value) { active = true; }
        ok = ok && attrIs(row, 'data-' + s.id.slice(2), s.value);
      });
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    all('.section').forEach(function (section) {
      var empty = section.querySelector('.empty');
      if (!empty) { return; }
      var has = section.querySelector('[data-row]');
      empty.hidden = !has || !!section.querySelector('[data-row]:not([hidden])');
    });
    if (shown) { shown.textContent = active ? count + ' of ' + rows.length + ' shown' : ''; }
  }

  function groupOf(node) {
    while (node && node !== diagram) {
      if (node.getAttribute && node.hasAttribute('data-id') && /^(element|flow|boundary)\b/.test(node.getAttribute('class') || '')) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  function select(group) {
    all('.selected', diagram).forEach(function (g) { g.classList.remove('selected'); });
    if (!group || group.getAttribute('data-id') === selected) {
      selected = null;
      diagram.classList.remove('filtering');
      if (selection) { selection.hidden = true; }
    } else {
      selected = group.getAttribute('data-id');
      group.classList.add('selected');
      diagram.classList.add('filtering');
      if (selection) {
        var title = group.querySelector('title');
        selectionText.textContent = 'Showing the threats and findings on ' + (title ? title.textContent : selected) + '.';
        selection.hidden = false;
      }
    }
    apply();
  }

  if (diagram) {
    // elements and flows with open threats or findings stand out
    rows.forEach(function (row) {
      var target = row.getAttribute('data-target');
      if (target === null) { return; }
      var open = row.hasAttribute('data-open') || row.getAttribute('data-row') === 'findings';
      if (!open) { return; }
      all('[data-id]', diagram).forEach(function (g) {
        if (g.getAttribute('data-id') === target) { g.classList.add('has-open'); }
      });
    });
    diagram.addEventListener('click', function (e) { select(groupOf(e.target)); });
    var clear = byId('clear-selection');
    if (clear) { clear.addEventListener('click', function () { selected = '\u0000'; select(null); }); }
  }

  // a row's link to its target: select the target and scroll the diagram into view
  all('a.to-diagram').forEach(function (a) {
    a.addEventListener('click', function (e) {
      if (!diagram) { return; }
      var id = a.getAttribute('data-target');
      var group = all('[data-id]', diagram).filter(function (g) { return g.getAttribute('data-id') === id; })[0];
      if (!group) { return; }
      e.preventDefault();
      group.classList.add('pulse');
      setTimeout(function () { group.classList.remove('pulse'); }, 1600);
      diagram.scrollIntoView({ block: 'center' });
    });
  });

  if (q) { q.addEventListener('input', apply); }
  selects.forEach(function (s) { s.addEventListener('input', apply); });
  var expand = byId('expand');
  if (expand) {
    expand.addEventListener('click', function () { all('details').forEach(function (d) { if (!d.closest('[hidden]')) { d.open = true; } }); });
  }
  var collapse = byId('collapse');
  if (collapse) { collapse.addEventListener('click', function () { all('details').forEach(function (d) { d.open = false; }); }); }
  var reset = byId('reset');
  if (reset) {
    reset.addEventListener('click', function () {
      if (q) { q.value = ''; }
      selects.forEach(function (s) { s.value = ''; });
      if (diagram && selected !== null) { selected = '\u0000'; select(null); } else { apply(); }
    });
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && q && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  // printing shows everything: every details element open while printing
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = all('details:not([open])');
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  // a link to a hidden row (a decision, a finding from the action plan) shows it
  window.addEventListener('hashchange', function () {
    var el = byId(decodeURIComponent(location.hash.slice(1)));
    if (el && el.hidden) { reset && reset.click(); el.scrollIntoView(); }
  });
  apply();
})();
