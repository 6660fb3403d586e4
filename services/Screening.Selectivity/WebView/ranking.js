// The ranking page: reads /api/ranking, sorts and filters on the server, refreshes on
// server-sent events from /api/ranking/events. No dependencies.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const state = {
    assay: params.get('assay') || 'binding',
    preference: params.get('preference') || '',
    pageSize: params.get('page_size') || '50',
    page: parseInt(params.get('page') || '1', 10),
    sort: params.get('sort') || '',
    desc: params.get('desc') === 'true',
  };
  const form = document.getElementById('filters');
  const body = document.querySelector('#ranking tbody');
  const live = document.getElementById('live');
  form.assay.value = state.assay;
  form.preference.value = state.preference;
  form.page_size.value = state.pageSize;

  const qualifier = { QUALIFIER_GREATER: '> ', QUALIFIER_LESS: '< ' };
  const sig = (v) => (v >= 1000 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());
  function nanomolar(c) {
    if (!c || !(c.valueNm > 0) || c.qualifier === 'QUALIFIER_UNSPECIFIED') return '–';
    let text = (qualifier[c.qualifier] || '') + sig(c.valueNm) + ' nM';
    if (c.qualifier === 'QUALIFIER_EQUAL' && c.ci95LowNm > 0 && c.ci95HighNm > 0) text += ' [' + sig(c.ci95LowNm) + '–' + sig(c.ci95HighNm) + ']';
    return text;
  }
  function fold(r) {
    if (!(r.selectivityFold > 0)) return '–';
    let text = (qualifier[r.selectivityQualifier] || '') + sig(r.selectivityFold);
    if (r.selectivityCi95Low > 0 && r.selectivityCi95High > 0) text += ' [' + sig(r.selectivityCi95Low) + '–' + sig(r.selectivityCi95High) + ']';
    return text;
  }
  const preferenceName = { PREFERENCE_SERT: 'SERT', PREFERENCE_NET: 'NET', PREFERENCE_NONE: 'neither' };
  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  async function load() {
    const query = new URLSearchParams({ assay: state.assay, page: state.page, page_size: state.pageSize });
    if (state.preference) query.set('preference', state.preference);
    if (state.sort) { query.set('sort', state.sort); query.set('desc', state.desc); }
    history.replaceState(null, '', '/ranking?' + query.toString());
    const response = await fetch('/api/ranking?' + query.toString());
    if (!response.ok) { document.getElementById('summary').textContent = 'ranking unavailable (' + response.status + ')'; return; }
    const data = await response.json();
    state.page = data.page;
    body.replaceChildren();
    for (const r of data.compounds) {
      const tr = document.createElement('tr');
      tr.dataset.compound = r.compoundId;
      cell(tr, r.rank, 'num rank');
      const name = cell(tr, '', 'compound');
      const link = document.createElement('a');
      link.href = '/compounds/' + encodeURIComponent(r.compoundId);
      link.textContent = r.compoundId;
      name.appendChild(link);
      cell(tr, nanomolar(r.sert && r.sert.ki) + (r.sert && r.sert.isIc50 ? ' (IC50)' : ''), 'num');
      cell(tr, nanomolar(r.net && r.net.ki) + (r.net && r.net.isIc50 ? ' (IC50)' : ''), 'num');
      cell(tr, fold(r), 'num fold');
      const pref = cell(tr, '', 'preference');
      const badge = document.createElement('span');
      badge.className = 'pref ' + (preferenceName[r.preference] || 'neither');
      badge.textContent = preferenceName[r.preference] || 'neither';
      pref.appendChild(badge);
      if (r.assaysDisagree) { const flag = document.createElement('span'); flag.className = 'flag'; flag.textContent = 'assays disagree'; pref.appendChild(flag); }
      body.appendChild(tr);
    }
    document.getElementById('summary').textContent =
      data.matching + ' of ' + data.totalCompounds + ' compounds (' + state.assay + ')';
    document.getElementById('page').textContent = 'page ' + data.page + ' of ' + data.pageCount;
    document.getElementById('prev').disabled = data.page <= 1;
    document.getElementById('next').disabled = data.page >= data.pageCount;
    for (const th of document.querySelectorAll('#ranking th[data-sort]')) {
      th.classList.toggle('sorted', th.dataset.sort === state.sort);
      th.classList.toggle('desc', th.dataset.sort === state.sort && state.desc);
    }
    document.getElementById('ranking').dataset.loaded = 'true';
  }
  function refreshMap() {
    document.getElementById('map').src = '/plots/selectivity.svg?assay=' + state.assay + '&t=' + Date.now();
  }

  form.addEventListener('change', () => {
    const assayChanged = state.assay !== form.assay.value;
    state.assay = form.assay.value;
    state.preference = form.preference.value;
    state.pageSize = form.page_size.value;
    state.page = 1;
    load();
    if (assayChanged) refreshMap();
  });
  for (const th of document.querySelectorAll('#ranking th[data-sort]')) {
    th.addEventListener('click', () => {
      if (state.sort === th.dataset.sort) state.desc = !state.desc; else { state.sort = th.dataset.sort; state.desc = false; }
      load();
    });
  }
  document.getElementById('prev').addEventListener('click', () => { state.page -= 1; load(); });
  document.getElementById('next').addEventListener('click', () => { state.page += 1; load(); });

  // Live updates: a ranked plate reloads the current page and the map (at most once a second).
  let pending = null;
  function connect() {
    if (!window.EventSource) { live.textContent = 'no live updates in this browser'; return; }
    const events = new EventSource('/api/ranking/events');
    events.onopen = () => { live.textContent = 'live'; live.className = 'live on'; };
    events.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live'; };
    events.addEventListener('ranking', (e) => {
      const update = JSON.parse(e.data);
      live.textContent = 'live · ranked ' + update.plateId;
      if (!pending) pending = setTimeout(() => { pending = null; load(); refreshMap(); }, 1000);
    });
  }
  // live=false: a static page (headless screenshots: an open event stream never lets the
  // browser's virtual time run out).
  load().then(() => { if (params.get('live') !== 'false') connect(); else live.textContent = 'live updates off'; });
})();
