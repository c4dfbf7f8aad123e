// jnas dashboard and report: renders the experiments list and an experiment page from the JSON of
// dev.jnas.view.ExperimentView. Every value from an experiment is put into the page as text
// (textContent, or escaped in chart tooltips), never as markup. The report (report.html) runs this
// same script on data embedded in the page; the dashboard fetches it and listens for updates.
'use strict';
(function () {
  // ---- small DOM helpers -------------------------------------------------------------------
  function el(tag, props, children) {
    const e = document.createElement(tag);
    if (props) {
      for (const k of Object.keys(props)) {
        const v = props[k];
        if (v == null) continue;
        if (k === 'text') e.textContent = String(v);
        else if (k === 'cls') e.className = v;
        else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
        else e.setAttribute(k, String(v));
      }
    }
    for (const c of children || []) {
      if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const isNum = (v) => typeof v === 'number' && isFinite(v);
  const fmt = (v, d) => (isNum(v) ? v.toFixed(d == null ? 4 : d) : '–');
  // sizes are 0 where unknown (table look-ups): shown as unknown
  const count = (v) => (isNum(v) && v > 0 ? Math.round(v).toLocaleString('en-US') : '–');
  const when = (ms) => (ms ? new Date(ms).toISOString().replace('T', ' ').substring(0, 19) + ' UTC' : '–');
  const accuracy = (t) => (isNum(t.metrics.val_accuracy) ? t.metrics.val_accuracy : t.metrics.reward);
  const statusBadge = (s) => el('span', { cls: 'status ' + String(s).replace(/[^A-Z_]/g, ''), text: s });

  function newChart(container) {
    const c = echarts.init(container, null, { renderer: 'canvas' });
    window.addEventListener('resize', () => c.resize());
    return c;
  }
  const baseGrid = { left: 58, right: 34, top: 34, bottom: 42 };
  const axisName = (name) => ({ name: name, nameLocation: 'middle', nameGap: 26 });

  // ---- experiments list --------------------------------------------------------------------
  function listPage() {
    const app = document.getElementById('app');
    async function load() {
      const r = await fetch('/api/experiments');
      if (!r.ok) throw new Error((await r.json()).error || r.statusText);
      render(await r.json());
    }
    function render(rows) {
      const body = el('tbody');
      for (const x of rows) {
        const link = el('a', { href: '/experiment?id=' + encodeURIComponent(x.id), text: x.name });
        body.appendChild(el('tr', { 'data-id': x.id }, [
          el('td', null, [link]), el('td', null, [statusBadge(x.status)]),
          el('td', { cls: 'num', text: String(x.trials) }), el('td', { cls: 'num', text: String(x.complete == null ? '–' : x.complete) }),
          el('td', { cls: 'num', text: fmt(x.best_reward) }), el('td', { text: x.strategy || '' }),
          el('td', { text: x.space || '' }), el('td', { text: when(x.updated_at) }),
          el('td', { cls: 'arch', text: x.id }), el('td', { cls: 'error', text: x.error || '' })]));
      }
      const head = el('tr', null, ['experiment', 'status', 'trials', 'complete', 'best reward', 'strategy', 'space', 'updated', 'folder', '']
        .map((h, i) => el('th', { cls: i >= 2 && i <= 4 ? 'num' : null, text: h })));
      app.replaceChildren(el('h1', { text: 'Experiments' }),
        rows.length ? el('div', { cls: 'tablewrap' }, [el('table', { id: 'experiments' }, [el('thead', null, [head]), body])])
          : el('p', { cls: 'muted', text: 'No experiments here yet: start one with jnas search.' }));
    }
    const fail = (e) => app.replaceChildren(el('p', { cls: 'error', text: 'Cannot load the experiments: ' + e.message }));
    load().catch(fail);
    setInterval(() => load().catch(fail), 5000);
  }

  // ---- experiment page ---------------------------------------------------------------------
  // One object per page: it builds the sections once and fills them with each new document.
  function ExperimentPage(app, source) {
    this.app = app;
    this.source = source; // { diagramUrl(trialId) -> url or null }
    this.sort = { key: 'id', dir: 1 };
    this.filter = { status: '', text: '' };
    this.selected = null; // trial ids whose learning curves are drawn (null: the default choice)
    this.diagramTrial = null;
    this.charts = {};
    this.alphaLabel = 0;
  }

  ExperimentPage.prototype.update = function (doc) {
    this.doc = doc;
    this.byId = new Map(doc.trials.map((t) => [t.id, t]));
    if (!this.built) this.build();
    this.fillHeader();
    this.fillProgress();
    this.fillPareto();
    this.fillCurves();
    this.fillDiagram();
    this.fillOneShot();
    this.fillPnas();
    this.fillTop();
    this.fillTrials();
    this.fillWorkers();
    this.fillConfig();
  };

  ExperimentPage.prototype.build = function () {
    this.built = true;
    const card = (id, title, extra, wide) => el('section', { cls: 'card' + (wide ? ' wide' : ''), id: id }, [el('h2', { text: title })].concat(extra || []));
    const s = {};
    s.title = el('h1', { id: 'title' });
    s.meta = el('p', { cls: 'meta', id: 'meta' });
    s.bestTrials = el('div', { cls: 'chart', id: 'chart-best-trials' });
    s.bestTime = el('div', { cls: 'chart', id: 'chart-best-time' });
    s.paretoParams = el('div', { cls: 'chart', id: 'chart-pareto-params' });
    s.paretoFlops = el('div', { cls: 'chart', id: 'chart-pareto-flops' });
    s.curves = el('div', { cls: 'chart', id: 'chart-curves' });
    s.diagramBox = el('div', { cls: 'diagram', id: 'diagram' });
    s.diagramCaption = el('p', { cls: 'muted', id: 'diagram-caption' });
    s.alphaSelect = el('select', { id: 'alpha-label', onchange: (e) => { this.alphaLabel = Number(e.target.value); this.fillOneShot(); } });
    s.alphas = el('div', { cls: 'chart', id: 'chart-alphas' });
    s.rho = el('div', { cls: 'chart', id: 'chart-rho' });
    s.top = el('tbody');
    s.trials = el('tbody');
    s.trialsHead = el('tr');
    s.trialCount = el('span', { cls: 'muted' });
    s.statusSelect = el('select', { id: 'status-filter', onchange: (e) => { this.filter.status = e.target.value; this.fillTrials(); } });
    s.textFilter = el('input', { id: 'text-filter', type: 'search', placeholder: 'architecture or error contains…',
      oninput: (e) => { this.filter.text = e.target.value; this.fillTrials(); } });
    s.workers = el('tbody');
    s.config = el('pre', { id: 'config' });
    s.provenance = el('dl', { cls: 'kv', id: 'provenance' });
    this.s = s;
    this.sections = {
      progress: card('best-so-far', 'Best so far, against trials and against wall time', [el('div', { cls: 'pair' }, [s.bestTrials, s.bestTime])], true),
      pareto: card('pareto', 'Validation accuracy against parameters and FLOPs (Pareto front marked)', [el('div', { cls: 'pair' }, [s.paretoParams, s.paretoFlops])], true),
      curves: card('curves', 'Learning curves (select trials in the table)', [s.curves]),
      diagram: card('architecture', 'Architecture', [s.diagramCaption, s.diagramBox]),
      oneShot: card('one-shot', 'Architecture parameters: softmax(alpha) by epoch', [el('div', { cls: 'controls' }, ['decision ', s.alphaSelect]), s.alphas]),
      pnas: card('pnas', 'Predictor rank correlation by level (Spearman)', [s.rho]),
      workers: card('workers', 'Workers', [el('table', null, [el('thead', null, [el('tr', null,
        ['worker', 'slots', 'GFLOP/s', 'trials', 'mean seconds'].map((h, i) => el('th', { cls: i ? 'num' : null, text: h })))]), s.workers])], true),
    };
    const grid = el('div', { cls: 'grid' }, [this.sections.progress, this.sections.pareto, this.sections.curves,
      this.sections.diagram, this.sections.oneShot, this.sections.pnas]);
    const topTable = el('table', { id: 'top' }, [el('thead', null, [el('tr', null,
      ['rank', 'trial', 'reward', 'val acc', 'test acc', 'params', 'FLOPs', 'architecture'].map((h, i) => el('th', { cls: i >= 1 && i <= 6 ? 'num' : null, text: h })))]), s.top]);
    const trialsTable = el('table', { id: 'trials' }, [el('thead', null, [s.trialsHead]), s.trials]);
    this.app.replaceChildren(s.title, s.meta, grid,
      el('div', { cls: 'grid' }, [card('top-10', 'Top 10 architectures', [topTable], true)]),
      el('div', { cls: 'grid' }, [card('trials-card', 'Trials', [el('div', { cls: 'controls' }, ['status ', s.statusSelect, s.textFilter, s.trialCount]),
        el('div', { cls: 'tablewrap' }, [trialsTable])], true)]),
      el('div', { cls: 'grid' }, [this.sections.workers]),
      el('div', { cls: 'grid' }, [card('config-card', 'Config', [s.config]), card('provenance-card', 'Provenance', [s.provenance])]));
    this.charts.bestTrials = newChart(s.bestTrials);
    this.charts.bestTime = newChart(s.bestTime);
    this.charts.paretoParams = newChart(s.paretoParams);
    this.charts.paretoFlops = newChart(s.paretoFlops);
    this.charts.curves = newChart(s.curves);
    this.charts.alphas = newChart(s.alphas);
    this.charts.rho = newChart(s.rho);
  };

  ExperimentPage.prototype.show = function (section, visible) {
    const was = section.style.display !== 'none';
    section.style.display = visible ? '' : 'none';
    if (visible && !was) Object.values(this.charts).forEach((c) => c.resize());
  };

  ExperimentPage.prototype.fillHeader = function () {
    const d = this.doc;
    document.title = d.name + ' · jnas';
    this.s.title.replaceChildren(document.createTextNode(d.name + ' '), statusBadge(d.status));
    const byStatus = {};
    d.trials.forEach((t) => { byStatus[t.status] = (byStatus[t.status] || 0) + 1; });
    const parts = [d.trials.length + ' trials' + (Object.keys(byStatus).length ? ' (' + Object.entries(byStatus).map(([k, v]) => v + ' ' + k.toLowerCase()).join(', ') + ')' : '')];
    const best = this.byId.get(d.best_trial);
    if (best) {
      parts.push('best: trial ' + best.id + (this.isLanguageModel() ? ', val perplexity ' + fmt(best.metrics.val_perplexity, 2) : ', reward ' + fmt(best.metrics.reward)));
    }
    parts.push('created ' + when(d.created_at));
    parts.push(d.folder);
    this.s.meta.textContent = parts.join(' · ');
  };

  /** A language model's reward is 1 / validation perplexity: its pages speak of the perplexity. */
  ExperimentPage.prototype.isLanguageModel = function () {
    return this.doc.trials.some((t) => t.metrics.val_perplexity !== undefined);
  };

  ExperimentPage.prototype.fillProgress = function () {
    const pts = this.doc.best_so_far.filter((p) => isNum(p.reward));
    this.show(this.sections.progress, pts.length > 0);
    const lm = this.isLanguageModel();
    const y = (r) => (lm ? 1 / r : r);
    const line = (data, xName) => ({
      animation: false, grid: baseGrid,
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v) },
      xAxis: Object.assign({ type: 'value' }, axisName(xName)),
      yAxis: { type: 'value', scale: true, name: lm ? 'best val perplexity' : 'best reward' },
      series: [{ type: 'line', step: 'end', showSymbol: data.length < 60, data: data }],
    });
    const all = this.doc.best_so_far;
    const byTrial = [];
    const byTime = [];
    // short searches in seconds, long ones in minutes, so the axis labels stay readable
    const last = all.length ? all[all.length - 1].seconds : 0;
    const unit = last < 120 ? 1 : last < 7200 ? 60 : 3600;
    all.forEach((p, i) => { if (isNum(p.reward)) { byTrial.push([i + 1, y(p.reward)]); byTime.push([p.seconds / unit, y(p.reward)]); } });
    this.charts.bestTrials.setOption(line(byTrial, 'trials finished'), true);
    this.charts.bestTime.setOption(line(byTime, unit === 1 ? 'seconds' : unit === 60 ? 'minutes' : 'hours'), true);
  };

  ExperimentPage.prototype.fillPareto = function () {
    const done = this.doc.trials.filter((t) => t.status === 'COMPLETE' && isNum(accuracy(t)));
    const sized = (key) => done.filter((t) => t.metrics[key] > 0);
    const any = sized('params').length + sized('flops').length > 0;
    this.show(this.sections.pareto, any);
    const tip = (p) => {
      const t = this.byId.get(p.data[2]);
      return t ? 'trial ' + t.id + '<br>' + esc(fmt(accuracy(t))) + '<br><span style="font-family:monospace">' + esc(t.architecture) + '</span>' : '';
    };
    const opt = (key, front, xName) => {
      const pts = sized(key).map((t) => [t.metrics[key], accuracy(t), t.id]);
      const f = front.map((id) => this.byId.get(id)).filter((t) => t && t.metrics[key] > 0)
        .map((t) => [t.metrics[key], accuracy(t), t.id]).sort((a, b) => a[0] - b[0]);
      return {
        animation: false, grid: baseGrid, legend: { top: 0, right: 0 },
        tooltip: { trigger: 'item', formatter: tip, confine: true, extraCssText: 'max-width:420px;white-space:normal' },
        xAxis: Object.assign({ type: 'log' }, axisName(xName)), yAxis: { type: 'value', scale: true, name: 'val accuracy' },
        series: [
          { name: 'trials', type: 'scatter', symbolSize: 6, data: pts, itemStyle: { opacity: 0.55 } },
          { name: 'Pareto front', type: 'line', step: 'end', data: f, symbolSize: 8, lineStyle: { width: 2 } },
        ],
      };
    };
    this.charts.paretoParams.setOption(opt('params', this.doc.pareto.params, 'parameters'), true);
    this.charts.paretoFlops.setOption(opt('flops', this.doc.pareto.flops, 'multiply-adds (FLOPs)'), true);
  };

  /** The trials whose curves are drawn: the user's choice, else the best five with epochs. */
  ExperimentPage.prototype.curveTrials = function () {
    if (this.selected) return [...this.selected].map((id) => this.byId.get(id)).filter((t) => t);
    return this.doc.trials.filter((t) => t.metrics.epochs.length > 0)
      .sort((a, b) => (b.metrics.reward || -Infinity) - (a.metrics.reward || -Infinity)).slice(0, 5);
  };

  ExperimentPage.prototype.fillCurves = function () {
    const chosen = this.curveTrials();
    const withEpochs = this.doc.trials.some((t) => t.metrics.epochs.length > 0);
    this.show(this.sections.curves, withEpochs);
    const series = chosen.map((t) => ({
      name: 'trial ' + t.id, type: 'line', showSymbol: true, symbolSize: 4,
      data: t.metrics.epochs.filter((e) => isNum(e.val_accuracy)).map((e) => [e.epoch, e.val_accuracy]),
    }));
    this.charts.curves.setOption({
      animation: false, grid: Object.assign({}, baseGrid, { top: 40 }), legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v) },
      xAxis: Object.assign({ type: 'value', minInterval: 1 }, axisName('epoch')), yAxis: { type: 'value', scale: true, name: 'val accuracy' },
      series: series,
    }, true);
  };

  ExperimentPage.prototype.fillDiagram = function () {
    const id = this.diagramTrial != null ? this.diagramTrial : this.doc.best_trial;
    const t = this.byId.get(id);
    this.show(this.sections.diagram, !!t);
    if (!t || this.shownDiagram === t.id + '|' + t.architecture) return;
    this.shownDiagram = t.id + '|' + t.architecture;
    this.s.diagramCaption.textContent = 'trial ' + t.id + (t.id === this.doc.best_trial ? ' (best)' : '') + ': ' + t.architecture;
    const url = this.source.diagramUrl(t.id);
    if (url) {
      const img = el('img', { id: 'diagram-image', alt: 'diagram of trial ' + t.id, src: url });
      img.addEventListener('error', () => this.s.diagramBox.replaceChildren(el('p', { cls: 'muted', text: 'No diagram for this architecture.' })));
      this.s.diagramBox.replaceChildren(img);
    } else {
      this.s.diagramBox.replaceChildren(el('p', { cls: 'muted', text: 'This report holds the diagrams of the top 10 trials only.' }));
    }
  };

  ExperimentPage.prototype.fillOneShot = function () {
    const o = this.doc.one_shot;
    const ok = o && o.labels && o.labels.length && o.epochs && o.epochs.length && o.epochs[0].probabilities;
    this.show(this.sections.oneShot, !!ok);
    if (!ok) return;
    if (this.s.alphaSelect.options.length !== o.labels.length) {
      this.s.alphaSelect.replaceChildren(...o.labels.map((l, i) => el('option', { value: i, text: l.name })));
    }
    const k = Math.min(this.alphaLabel, o.labels.length - 1);
    this.s.alphaSelect.value = String(k);
    const label = o.labels[k];
    const series = (label.options || []).map((name, j) => ({
      name: String(name), type: 'line', showSymbol: false,
      data: o.epochs.filter((e) => e.probabilities && e.probabilities[k]).map((e) => [e.epoch, e.probabilities[k][j]]),
    }));
    this.charts.alphas.setOption({
      animation: false, grid: Object.assign({}, baseGrid, { top: 40 }), legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v, 3) },
      xAxis: Object.assign({ type: 'value', minInterval: 1 }, axisName('epoch')), yAxis: { type: 'value', min: 0, max: 1, name: 'probability' },
      series: series,
    }, true);
  };

  ExperimentPage.prototype.fillPnas = function () {
    const levels = this.doc.pnas_levels;
    this.show(this.sections.pnas, !!(levels && levels.length));
    if (!levels || !levels.length) return;
    this.charts.rho.setOption({
      animation: false, grid: Object.assign({}, baseGrid, { top: 40 }), legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v, 3) },
      xAxis: Object.assign({ type: 'category', data: levels.map((l) => 'level ' + l.level) }, axisName('blocks')),
      yAxis: { type: 'value', min: -1, max: 1, name: 'Spearman rho' },
      series: [
        { name: 'rho fit (trained cells)', type: 'bar', data: levels.map((l) => (isNum(l.rho_fit) ? l.rho_fit : null)) },
        { name: 'rho predicted (before training)', type: 'bar', data: levels.map((l) => (isNum(l.rho_predicted) ? l.rho_predicted : null)) },
      ],
    }, true);
  };

  ExperimentPage.prototype.fillTop = function () {
    // distinct architectures: a strategy that evaluates one again (evolution) must not fill the table with it
    const seen = new Set();
    const top = this.doc.trials.filter((t) => t.status === 'COMPLETE' && isNum(t.metrics.reward))
      .sort((a, b) => b.metrics.reward - a.metrics.reward || a.id - b.id)
      .filter((t) => !seen.has(t.architecture) && seen.add(t.architecture)).slice(0, 10);
    this.s.top.replaceChildren(...top.map((t, i) => el('tr', { onclick: () => this.showDiagram(t.id) }, [
      el('td', { text: i + 1 }), el('td', { cls: 'num', text: t.id }), el('td', { cls: 'num', text: fmt(t.metrics.reward) }),
      el('td', { cls: 'num', text: fmt(t.metrics.val_accuracy) }), el('td', { cls: 'num', text: fmt(t.metrics.test_accuracy) }),
      el('td', { cls: 'num', text: count(t.metrics.params) }), el('td', { cls: 'num', text: count(t.metrics.flops) }),
      el('td', { cls: 'arch', text: t.architecture })])));
  };

  ExperimentPage.prototype.showDiagram = function (id) {
    this.diagramTrial = id;
    this.fillDiagram();
  };

  const ROW_LIMIT = 1000;
  const COLUMNS = [
    { key: 'select', title: '', sortable: false },
    { key: 'id', title: 'trial', num: true, value: (t) => t.id },
    { key: 'status', title: 'status', value: (t) => t.status },
    { key: 'reward', title: 'reward', num: true, value: (t) => t.metrics.reward, show: (v) => fmt(v) },
    { key: 'val_accuracy', title: 'val acc', num: true, value: (t) => t.metrics.val_accuracy, show: (v) => fmt(v) },
    { key: 'val_perplexity', title: 'val ppl', num: true, value: (t) => t.metrics.val_perplexity, show: (v) => fmt(v, 2), lm: true },
    { key: 'test_accuracy', title: 'test acc', num: true, value: (t) => t.metrics.test_accuracy, show: (v) => fmt(v) },
    { key: 'params', title: 'params', num: true, value: (t) => t.metrics.params, show: count },
    { key: 'flops', title: 'FLOPs', num: true, value: (t) => t.metrics.flops, show: count },
    { key: 'epochs', title: 'epochs', num: true, value: (t) => t.metrics.epochs.length },
    { key: 'wall_seconds', title: 'seconds', num: true, value: (t) => t.metrics.wall_seconds, show: (v) => fmt(v, 1) },
    { key: 'worker', title: 'worker', value: (t) => t.worker || '' },
    { key: 'architecture', title: 'architecture', value: (t) => t.architecture, cls: 'arch' },
    { key: 'error', title: 'error', value: (t) => t.error || '', cls: 'error' },
  ];

  ExperimentPage.prototype.fillTrials = function () {
    const d = this.doc;
    const statuses = [...new Set(d.trials.map((t) => t.status))].sort();
    const current = this.filter.status;
    if (this.s.statusSelect.options.length !== statuses.length + 1 || [...this.s.statusSelect.options].slice(1).some((o, i) => o.value !== statuses[i])) {
      this.s.statusSelect.replaceChildren(el('option', { value: '', text: 'all' }), ...statuses.map((s) => el('option', { value: s, text: s })));
    }
    this.s.statusSelect.value = statuses.includes(current) ? current : '';
    const showWorker = d.trials.some((t) => t.worker);
    const lm = this.isLanguageModel();
    const cols = COLUMNS.filter((c) => (c.key !== 'worker' || showWorker) && (!c.lm || lm));
    this.s.trialsHead.replaceChildren(...cols.map((c) => {
      const sorted = this.sort.key === c.key;
      const th = el('th', { cls: [c.num ? 'num' : '', c.sortable === false ? '' : 'sortable', sorted ? 'sorted ' + (this.sort.dir > 0 ? 'asc' : 'desc') : ''].join(' ').trim(),
        'data-key': c.key, text: c.title });
      if (c.sortable !== false) th.addEventListener('click', () => { this.sort = { key: c.key, dir: sorted ? -this.sort.dir : (c.num ? -1 : 1) }; this.fillTrials(); });
      return th;
    }));
    const col = cols.find((c) => c.key === this.sort.key) || cols[1];
    const text = this.filter.text.toLowerCase();
    const rows = d.trials.filter((t) => (!this.filter.status || t.status === this.filter.status)
      && (!text || t.architecture.toLowerCase().includes(text) || (t.error || '').toLowerCase().includes(text)));
    const key = (t) => { const v = col.value(t); return v == null || (typeof v === 'number' && !isFinite(v)) ? null : v; };
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === y) return a.id - b.id;
      if (x == null) return 1;
      if (y == null) return -1;
      return (x < y ? -1 : 1) * this.sort.dir;
    });
    const chosen = new Set(this.curveTrials().map((t) => t.id));
    // a table of tens of thousands of rows is slow to draw at every live update: sort or filter to reach the rest
    const shown = rows.slice(0, ROW_LIMIT);
    this.s.trials.replaceChildren(...shown.map((t) => {
      const box = el('input', { type: 'checkbox', title: 'draw its learning curve' });
      box.checked = chosen.has(t.id);
      box.addEventListener('click', (e) => { e.stopPropagation(); this.toggleCurve(t.id, box.checked); });
      const tr = el('tr', { 'data-id': t.id, cls: t.id === this.diagramTrial ? 'selected' : null, onclick: () => { this.showDiagram(t.id); this.fillTrials(); } },
        cols.map((c) => {
          if (c.key === 'select') return el('td', null, [box]);
          if (c.key === 'status') return el('td', null, [statusBadge(t.status)]);
          const v = c.value(t);
          return el('td', { cls: (c.num ? 'num ' : '') + (c.cls || ''), text: c.show ? c.show(v) : v });
        }));
      return tr;
    }));
    this.s.trialCount.textContent = rows.length + ' of ' + d.trials.length + ' trials'
      + (rows.length > shown.length ? ' (the first ' + shown.length + ' in this order shown)' : '');
  };

  ExperimentPage.prototype.toggleCurve = function (id, on) {
    const set = new Set(this.curveTrials().map((t) => t.id));
    if (on) set.add(id); else set.delete(id);
    this.selected = set;
    this.fillCurves();
  };

  ExperimentPage.prototype.fillWorkers = function () {
    const ws = this.doc.workers || [];
    this.show(this.sections.workers, ws.length > 0);
    this.s.workers.replaceChildren(...ws.map((w) => el('tr', null, [
      el('td', { text: w.name }), el('td', { cls: 'num', text: w.info && w.info.slots != null ? w.info.slots : '–' }),
      el('td', { cls: 'num', text: w.info && isNum(w.info.gflops) ? fmt(w.info.gflops, 1) : '–' }),
      el('td', { cls: 'num', text: w.trials }), el('td', { cls: 'num', text: fmt(w.mean_trial_seconds, 1) })])));
  };

  ExperimentPage.prototype.fillConfig = function () {
    this.s.config.textContent = JSON.stringify(this.doc.config, null, 2);
    const p = this.doc.provenance || {};
    this.s.provenance.replaceChildren(...Object.keys(p).flatMap((k) => [el('dt', { text: k }), el('dd', { text: typeof p[k] === 'object' ? JSON.stringify(p[k]) : p[k] })]));
  };

  function experimentPage() {
    const app = document.getElementById('app');
    const id = new URLSearchParams(location.search).get('id');
    const live = document.getElementById('live');
    const page = new ExperimentPage(app, {
      diagramUrl: (trial) => '/api/diagram?id=' + encodeURIComponent(id) + '&trial=' + encodeURIComponent(trial),
    });
    async function load() {
      const r = await fetch('/api/experiment?id=' + encodeURIComponent(id));
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || r.statusText);
      page.update(body);
    }
    const fail = (e) => app.replaceChildren(el('p', { cls: 'error', text: 'Cannot load this experiment: ' + e.message }));
    load().then(() => {
      const events = new EventSource('/api/events?id=' + encodeURIComponent(id));
      events.addEventListener('hello', () => { live.textContent = '● live'; });
      events.addEventListener('update', () => load().catch(fail));
      events.addEventListener('gone', () => { live.textContent = ''; events.close(); });
      events.onerror = () => { live.textContent = '○ reconnecting'; };
    }).catch(fail);
    window.jnasPage = page;
  }

  function reportPage() {
    const data = JSON.parse(document.getElementById('jnas-data').textContent);
    const diagrams = JSON.parse(document.getElementById('jnas-diagrams').textContent);
    const page = new ExperimentPage(document.getElementById('app'), {
      diagramUrl: (trial) => (diagrams[trial] ? 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(diagrams[trial]) : null),
    });
    page.update(data);
    window.jnasPage = page;
  }

  document.addEventListener('DOMContentLoaded', () => {
    const kind = document.body.getAttribute('data-page');
    if (kind === 'list') listPage();
    else if (kind === 'experiment') experimentPage();
    else if (kind === 'report') reportPage();
  });
})();
