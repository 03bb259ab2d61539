// The style sheet and script of report.html: plain CSS and JavaScript, no library, no fonts but
// the system's, so the page works offline and from a file:// URL.
#include "batch/report_html.hpp"

namespace runner::batch {

const char* report_css() {
  return R"CSS(
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; --card:#fff;
  --accent:#3b82f6; --ok:#16a34a; --warn:#d97706; --bad:#dc2626; --info:#7c3aed; --grey:#6b7280; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color:var(--ink); background:var(--bg); }
header { background:#111827; color:#f9fafb; padding:20px 32px; }
header h1 { margin:0; font-size:22px; font-weight:600; }
header p { margin:4px 0 0; color:#9ca3af; }
main { max-width:1200px; margin:0 auto; padding:24px 32px 48px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:12px; }
.card, section { background:var(--card); border:1px solid var(--line); border-radius:10px; }
.card { padding:14px 16px; }
.card .v { font-size:26px; font-weight:650; }
.card .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
section { margin-top:18px; padding:16px 20px; }
section h2 { margin:0 0 12px; font-size:16px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:18px; }
.grid2 section { margin-top:18px; }
@media (max-width: 900px) { .grid2 { grid-template-columns:1fr; } }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .bar { fill: var(--accent); }
svg .count { fill: var(--ink); font-weight:600; }
.stack { display:flex; height:18px; border-radius:9px; overflow:hidden; background:var(--line); }
.stack span { display:block; height:100%; }
.legend { list-style:none; padding:0; margin:12px 0 0; display:flex; flex-wrap:wrap; gap:8px 18px; }
.dot { display:inline-block; width:10px; height:10px; border-radius:50%; margin-right:6px; }
.s-COMPLETED { background:var(--ok); } .s-BUILD_FAILED { background:var(--bad); }
.s-TIMEOUT { background:var(--warn); } .s-MEMORY_LIMIT { background:#ea580c; }
.s-INVALID_SUBMISSION { background:var(--info); } .s-ERROR { background:#111827; }
.badge { color:#fff; border-radius:999px; padding:1px 8px; font-size:11px; font-weight:600;
  white-space:nowrap; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
#submissions th { cursor:pointer; user-select:none; }
#submissions th:hover { color:var(--ink); }
#submissions th[aria-sort=ascending]::after { content:" ▲"; }
#submissions th[aria-sort=descending]::after { content:" ▼"; }
#submissions tbody tr:hover { background:#f8fafc; }
.rate { display:flex; align-items:center; gap:8px; }
.rate .track { flex:1; height:8px; background:var(--line); border-radius:4px; overflow:hidden; }
.rate .fill { height:100%; background:var(--ok); }
.out { color:var(--muted); max-width:420px; overflow:hidden; text-overflow:ellipsis;
  white-space:nowrap; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
.note { color:var(--muted); font-size:12px; margin:8px 0 0; }
#selftest { display:none; }
)CSS";
}

const char* report_js() {
  return R"JS(
(function () {
  var table = document.getElementById('submissions');
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  // Each cell carries its sort key (data-v): numbers compare as numbers, text as text.
  // Text sorts naturally: s2 before s10.
  var natural = { numeric: true, sensitivity: 'base' };
  function key(row, col) { return row.cells[col].getAttribute('data-v'); }
  function sortBy(col, dir) {
    var numeric = headers[col].classList.contains('num');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, undefined, natural);
      return dir === 'ascending' ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute('aria-sort');
    headers[col].setAttribute('aria-sort', dir);
  }
  Array.prototype.forEach.call(headers, function (th, col) {
    th.addEventListener('click', function () {
      var now = th.getAttribute('aria-sort');
      var first = th.classList.contains('num') ? 'descending' : 'ascending';
      sortBy(col, now === first ? (first === 'ascending' ? 'descending' : 'ascending') : first);
    });
  });
  // ?selftest: click the score header, then the id header, and check the table's order.
  if (/[?&]selftest\b/.test(location.search)) {
    var out = document.getElementById('selftest');
    try {
      var scoreCol = -1, idCol = -1;
      for (var i = 0; i < headers.length; i++) {
        if (headers[i].getAttribute('data-col') === 'score') scoreCol = i;
        if (headers[i].getAttribute('data-col') === 'id') idCol = i;
      }
      headers[scoreCol].click();
      var scores = Array.prototype.map.call(body.rows, function (r) {
        return parseFloat(key(r, scoreCol)); });
      var desc = scores.every(function (s, i) { return i === 0 || scores[i - 1] >= s; });
      headers[idCol].click();
      var ids = Array.prototype.map.call(body.rows, function (r) { return key(r, idCol); });
      var asc = ids.every(function (s, i) { return i === 0 || ids[i - 1].localeCompare(s, undefined, natural) <= 0; });
      var bars = document.querySelectorAll('#histogram rect.bar').length;
      out.textContent = (desc && asc ? 'PASS' : 'FAIL') + ' rows=' + body.rows.length +
        ' bars=' + bars + ' score-desc=' + desc + ' id-asc=' + asc +
        ' top=' + ids[0];
    } catch (e) {
      out.textContent = 'FAIL ' + e;
    }
  }
})();
)JS";
}

}  // namespace runner::batch
