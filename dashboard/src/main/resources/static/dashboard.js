// failback dashboard: live updates by server-sent events. Every value is set as text, never as markup.
(function () {
  'use strict';

  function text(el, value) {
    if (el) { el.textContent = value == null ? '' : String(value); }
  }

  function bar(el, donePercent, failedPercent) {
    if (!el) { return; }
    el.querySelector('.done').style.width = Number(donePercent) + '%';
    el.querySelector('.failed').style.width = Number(failedPercent) + '%';
    el.title = Number(donePercent) + '% done, ' + Number(failedPercent) + '% failed';
  }

  function percent(part, total) {
    return total > 0 ? Math.max(0, Math.min(100, Math.round(100 * part / total))) : 0;
  }

  function rowsBy(table, attribute) {
    var map = new Map();
    table.querySelectorAll('tbody tr').forEach(function (tr) { map.set(tr.getAttribute(attribute), tr); });
    return map;
  }

  function fill(tr, data) {
    tr.querySelectorAll('[data-f]').forEach(function (td) {
      var f = td.getAttribute('data-f');
      if (Object.prototype.hasOwnProperty.call(data, f)) { text(td, data[f]); }
    });
  }

  function barElement() {
    var b = document.createElement('div');
    b.className = 'bar';
    ['done', 'failed'].forEach(function (part) {
      var d = document.createElement('div');
      d.className = part;
      b.appendChild(d);
    });
    return b;
  }

  function groupElement(g) {
    var div = document.createElement('div');
    div.className = 'group';
    div.setAttribute('data-group', String(g.group));
    var label = document.createElement('span');
    label.className = 'label';
    label.textContent = 'Group ' + g.group;
    var b = barElement();
    var count = document.createElement('span');
    count.className = 'count';
    div.append(label, b, count);
    return div;
  }

  function jobPage(section) {
    var vms = document.getElementById('vms');
    var rows = vms ? rowsBy(vms, 'data-vm') : new Map();
    var groups = document.getElementById('groups');
    var source = new EventSource(section.getAttribute('data-live'));
    source.addEventListener('progress', function (e) {
      var p = JSON.parse(e.data);
      text(document.getElementById('job-state'), p.state);
      text(document.getElementById('job-done'), p.done);
      text(document.getElementById('job-failed'), p.failed);
      text(document.getElementById('job-total'), p.total);
      text(document.getElementById('job-updated'), p.updated);
      text(document.getElementById('job-age'), p.age);
      text(document.getElementById('job-reasons'), p.reasons);
      text(document.getElementById('job-approved'), p.approvedBy);
      document.querySelectorAll('.action[data-states]').forEach(function (a) {
        a.hidden = a.getAttribute('data-states').split(' ').indexOf(p.state) < 0;
      });
      (p.groups || []).forEach(function (g) {
        var el = null;
        groups.querySelectorAll('.group').forEach(function (x) {
          if (x.getAttribute('data-group') === String(g.group)) { el = x; }
        });
        if (!el) { el = groupElement(g); groups.appendChild(el); }
        el.setAttribute('data-done', String(g.done));
        el.setAttribute('data-failed', String(g.failed));
        el.setAttribute('data-total', String(g.total));
        bar(el.querySelector('.bar'), g.donePercent, g.failedPercent);
        text(el.querySelector('.count'), g.done + ' of ' + g.total + ' done, ' + g.failed + ' failed');
      });
      document.body.setAttribute('data-live-updates', String(Number(document.body.getAttribute('data-live-updates') || 0) + 1));
    });
    source.addEventListener('vm', function (e) {
      var v = JSON.parse(e.data);
      var tr = rows.get(v.vmId);
      if (tr) { fill(tr, v); }
    });
  }

  function jobsPage(table) {
    var rows = rowsBy(table, 'data-job');
    var source = new EventSource(table.getAttribute('data-live'));
    source.addEventListener('job', function (e) {
      var j = JSON.parse(e.data);
      var tr = rows.get(j.jobId);
      if (!tr && j.state !== 'GONE') {
        tr = document.createElement('tr');
        tr.setAttribute('data-job', j.jobId);
        var link = document.createElement('a');
        link.href = '/jobs/' + encodeURIComponent(j.jobId);
        link.textContent = j.jobId;
        var first = document.createElement('td');
        first.appendChild(link);
        tr.appendChild(first);
        ['state', 'plan', 'requestedBy', 'total', 'done', 'failed', null, 'age', 'updated'].forEach(function (f) {
          var td = document.createElement('td');
          if (f) { td.setAttribute('data-f', f); } else { td.appendChild(barElement()); }
          tr.appendChild(td);
        });
        table.querySelector('tbody').prepend(tr);
        rows.set(j.jobId, tr);
        var empty = document.getElementById('empty');
        if (empty) { empty.remove(); }
      }
      if (!tr) { return; }
      if (j.state === 'GONE') { tr.remove(); rows.delete(j.jobId); return; }
      fill(tr, j);
      var total = Number(j.total);
      bar(tr.querySelector('.bar'), percent(Number(j.done), total), percent(Number(j.failed), total));
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var section = document.getElementById('job');
    if (section && section.getAttribute('data-live')) { jobPage(section); }
    var jobs = document.getElementById('jobs');
    if (jobs && jobs.getAttribute('data-live')) { jobsPage(jobs); }
  });
}());
