// The report's one script: the services table sorts by any column and filters by every column, the
// criterion choice and a search over all its text; the filter also hides the services' cards and their
// entries in the board summary, counts in each list's heading what it leaves, says "filtered: N of M
// services" at the top (printed too), and lives in the URL fragment (#?verdict=not_valuable&sort=-money)
// so a filtered view can be sent on. Long lists fold on screen (data-show) and print their first
// entries (data-cap); "full print" prints everything with every <details> opened. At 480 px and below
// the tables are cards whose cells carry their column's name.
(function () {
  "use strict";
  var table = document.getElementById("services");
  if (!table) { return; }
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var all = function (selector, root) { return (root || document).querySelectorAll(selector); };
  var body = table.tBodies[0];
  var columns = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.getAttribute("data-col"); });
  var index = {};
  columns.forEach(function (key, i) { index[key] = i; });
  var rows = Array.prototype.map.call(body.rows, function (tr) {
    return { tr: tr, id: tr.getAttribute("data-target"), text: tr.textContent.toLowerCase(), cells: tr.cells,
             shown: true, verdict: tr.getAttribute("data-verdict") };
  });
  var criterion = document.getElementById("f-criterion");
  var search = document.getElementById("f-search");
  var count = document.getElementById("f-count");
  var banner = document.getElementById("f-banner");
  var full = document.getElementById("f-print-full");
  var controls = Array.prototype.slice.call(all("#services thead tr.filters [data-col]"));
  var sorted = { key: "", desc: false };
  var related = {};  // service id -> the elements of the board summary that name it
  each(all("#board [data-target]"), function (el) {
    var id = el.getAttribute("data-target");
    (related[id] = related[id] || []).push(el);
  });

  function cellValue(row, key) {
    var cell = row.cells[index[key]];
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim().toLowerCase();
  }

  function number(row, key) {
    var raw = row.cells[index[key]].getAttribute("data-sort");
    if (raw === null) { raw = row.cells[index[key]].textContent.trim(); }
    return raw === "" ? NaN : Number(raw);
  }

  // ">100000", "<=5000", "=0" compare the column as numbers; anything else looks for the text
  function numberTest(text) {
    var m = /^\s*(>=|<=|>|<|=)?\s*(-?[\d.,]+)\s*$/.exec(text);
    if (!m) { return null; }
    var n = Number(m[2].replace(/,/g, "")), op = m[1] || "=";
    return function (x) {
      if (isNaN(x)) { return false; }
      return op === ">" ? x > n : op === "<" ? x < n : op === ">=" ? x >= n : op === "<=" ? x <= n : x === n;
    };
  }

  function columnTest(control) {
    var key = control.getAttribute("data-col"), want = control.value.trim();
    if (!want) { return null; }
    if (control.tagName === "SELECT") {
      return key === "verdict" ? function (row) { return row.verdict === want; }
        : function (row) { return cellValue(row, key) === want; };
    }
    var kind = control.parentNode.getAttribute("data-kind");
    var test = kind === "number" ? numberTest(want) : null;
    if (test) { return function (row) { return test(number(row, key)); }; }
    var words = want.toLowerCase();
    return function (row) { return row.cells[index[key]].textContent.toLowerCase().indexOf(words) >= 0; };
  }

  function tests() {
    var out = controls.map(columnTest).filter(Boolean);
    if (criterion.value) {
      var c = criterion.value.split(":");
      out.push(function (row) { return cellValue(row, c[0]) === c[1]; });
    }
    var q = search.value.trim().toLowerCase();
    if (q) { out.push(function (row) { return row.text.indexOf(q) >= 0; }); }
    return out;
  }

  function describe() {
    var parts = [];
    controls.concat([criterion]).forEach(function (el) {
      if (!el.value.trim()) { return; }
      parts.push(el.tagName === "SELECT" ? el.options[el.selectedIndex].textContent
        : el.getAttribute("data-col") + " " + el.value.trim());
    });
    if (search.value.trim()) { parts.push("\u201c" + search.value.trim() + "\u201d"); }
    return parts.join(", ");
  }

  function setHidden(el, hide) { if (el.hidden !== hide) { el.hidden = hide; } }

  function filter() {
    var checks = tests(), shown = 0;
    rows.forEach(function (row) {
      var ok = checks.every(function (t) { return t(row); });
      row.shown = ok;
      setHidden(row.tr, !ok);
      var card = document.getElementById(row.id);
      if (card && card !== row.tr) { setHidden(card, !ok); }
      (related[row.id] || []).forEach(function (el) { setHidden(el, !ok); });
      if (ok) { shown += 1; }
    });
    // a "waiting for data" line whose services are all filtered out goes too, and the whole block,
    // heading included, when none of its lines is left
    each(all("#board ul.waiting > li"), function (li) { setHidden(li, !li.querySelector("[data-target]:not([hidden])")); });
    each(all("#board .waiting-block"), function (block) {
      setHidden(block, !block.querySelector("ul.waiting > li:not([hidden])"));
    });
    var filtering = checks.length > 0;
    recount(filtering);
    fold();
    count.textContent = shown + " of " + rows.length + " services shown";
    banner.hidden = shown === rows.length && !filtering;
    banner.textContent = "filtered: " + shown + " of " + rows.length + " services (" + describe() +
      "); the headings of lists count what the filter leaves, the cards and charts all " + rows.length;
    remember();
  }

  // A list's heading says how many of its entries the filter leaves ("1 of 3"). An entry naming
  // no service of this review (a removed one) cannot match a filter: it is hidden while one is set.
  function recount(filtering) {
    each(all("#board .count-block"), function (block) {
      var left = 0;
      each(block.querySelectorAll("[data-item]"), function (el) {
        if (el.hasAttribute("data-untargeted")) { setHidden(el, filtering); }
        if (!el.hidden) { left += 1; }
      });
      var n = block.querySelector(".count");
      var total = n.getAttribute("data-total");
      n.textContent = filtering ? left + " of " + total : total;
    });
  }

  // On screen a long list shows its first data-show entries until "show all"; the executive print
  // shows its first data-cap entries and says how many more the full report holds.
  function fold() {
    each(all("[data-show], [data-cap]"), function (list) {
      var show = Number(list.getAttribute("data-show") || Infinity), cap = Number(list.getAttribute("data-cap") || Infinity);
      var open = list.classList.contains("open"), n = 0;
      each(list.children, function (li) {
        if (li.hidden) { return; }
        li.classList.toggle("folded", !open && n >= show);
        li.classList.toggle("beyond", n >= cap);
        n += 1;
      });
      var more = document.querySelector(".more-note[data-for='" + list.id + "']");
      if (more) { more.textContent = n > cap ? "and " + (n - cap) + " more in the full report" : ""; }
      var button = document.querySelector(".show-all[data-for='" + list.id + "']");
      if (button) {
        button.hidden = n <= show;
        button.textContent = open ? "show the first " + show : "show all " + n;
      }
    });
  }

  // choice columns sort by rank: the best first (valuable, met), the worst last (error, not met)
  var RANK = { valuable: "0", waived: "1", indeterminate: "2", not_valuable: "3", error: "4",
               met: "0", unknown: "2", not_met: "3" };

  function key(row, column) {
    var cell = row.cells[column], value = cell.getAttribute("data-value");
    if (value !== null && columns[column] !== "tier") { return RANK[value] || (value ? value : ""); }
    return cell.getAttribute("data-sort") || cell.textContent.trim();
  }

  function sortBy(name, desc) {
    var column = index[name];
    if (column === undefined) { return; }
    sorted = { key: name, desc: desc };
    each(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    table.tHead.rows[0].cells[column].setAttribute("aria-sort", desc ? "descending" : "ascending");
    var keyed = rows.map(function (row) { return { row: row, k: key(row, column) }; });
    keyed.sort(function (a, b) {
      var x = a.k, y = b.k, nx = Number(x), ny = Number(y);
      // empty cells (no money, no date) go last either way
      if (x === "" || y === "") { return x === y ? 0 : x === "" ? 1 : -1; }
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return desc ? -order : order;
    });
    rows = keyed.map(function (k) { return k.row; });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row.tr); });
    body.appendChild(fragment);
  }

  // The fragment: "#?" then the filters and the sort; any other fragment is an anchor.
  function state() {
    var params = new URLSearchParams();
    controls.forEach(function (el) { if (el.value.trim()) { params.set(el.getAttribute("data-col"), el.value.trim()); } });
    if (criterion.value) { params.set("criterion", criterion.value); }
    if (search.value.trim()) { params.set("q", search.value.trim()); }
    if (sorted.key) { params.set("sort", (sorted.desc ? "-" : "") + sorted.key); }
    return params.toString();
  }

  function remember() {
    var wanted = state(), hash = location.hash;
    if (wanted) {
      if (hash !== "#?" + wanted) { history.replaceState(null, "", "#?" + wanted); }
    } else if (hash.indexOf("#?") === 0) {
      history.replaceState(null, "", location.pathname + location.search);
    }
  }

  function restore() {
    if (location.hash.indexOf("#?") !== 0) { return false; }
    var params = new URLSearchParams(location.hash.slice(2));
    controls.forEach(function (el) { el.value = params.get(el.getAttribute("data-col")) || ""; });
    criterion.value = params.get("criterion") || "";
    search.value = params.get("q") || "";
    var by = params.get("sort");
    if (by) { sortBy(by.replace(/^-/, ""), by.charAt(0) === "-"); }
    return true;
  }

  function clear() {
    controls.concat([criterion, search]).forEach(function (el) { el.value = ""; });
    filter();
  }

  each(table.tHead.querySelectorAll("tr:first-child th button"), function (button) {
    button.addEventListener("click", function () {
      var th = button.parentNode, name = th.getAttribute("data-col");
      sortBy(name, th.getAttribute("aria-sort") === "ascending");
      remember();
    });
  });
  controls.concat([criterion]).forEach(function (el) {
    el.addEventListener(el.tagName === "SELECT" ? "change" : "input", filter);
  });
  search.addEventListener("input", filter);
  document.getElementById("f-clear").addEventListener("click", clear);
  window.addEventListener("hashchange", function () { if (restore()) { filter(); } });

  // With a filter in the fragment, a link within the page scrolls instead of replacing it.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href^='#']");
    if (!a || a.getAttribute("href").indexOf("#?") === 0 || location.hash.indexOf("#?") !== 0) { return; }
    var target = document.getElementById(a.getAttribute("href").slice(1));
    if (target) { ev.preventDefault(); target.scrollIntoView(); }
  });

  // The decisions: by money (as written) or in catalog order.
  each(all(".sorter button"), function (button) {
    button.addEventListener("click", function () {
      var list = document.getElementById("decisions"), by = button.getAttribute("data-by");
      var items = Array.prototype.slice.call(list.children);
      items.sort(function (a, b) {
        var x = a.getAttribute("data-" + by), y = b.getAttribute("data-" + by);
        if (by === "money") {
          if (x === "" || y === "") { return x === y ? 0 : x === "" ? 1 : -1; }
          return Number(y) - Number(x);
        }
        return Number(x) - Number(y);
      });
      items.forEach(function (li) { list.appendChild(li); });
      each(button.parentNode.querySelectorAll("button"), function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      fold();
    });
  });
  each(all(".show-all"), function (button) {
    button.addEventListener("click", function () {
      document.getElementById(button.getAttribute("data-for")).classList.toggle("open");
      fold();
    });
  });
  var heatAll = document.getElementById("heat-all");
  if (heatAll) {
    heatAll.addEventListener("change", function () {
      each(all("table.heatmap"), function (t) { t.classList.toggle("all", heatAll.checked); });
    });
  }

  // Full print opens every <details> (and closes again those it opened when unticked).
  var opened = [];
  function openAll(on) {
    if (on) {
      opened = Array.prototype.filter.call(all("details"), function (d) { return !d.open; });
      opened.forEach(function (d) { d.open = true; });
    } else {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    }
  }
  full.addEventListener("change", function () {
    document.body.classList.toggle("print-full", full.checked);
    openAll(full.checked);
  });
  window.addEventListener("beforeprint", function () { if (full.checked && !opened.length) { openAll(true); } });

  // Phone cards: each cell of a small table carries its column's name (the services table and the
  // heatmap name theirs in the stylesheet).
  each(all(".scroll > table:not(.heatmap):not(#services)"), function (t) {
    var heads = t.tHead ? Array.prototype.map.call(t.tHead.rows[0].cells, function (th) { return th.textContent.trim(); }) : [];
    each(t.tBodies[0] ? t.tBodies[0].rows : [], function (tr) {
      each(tr.cells, function (td, i) { if (heads[i]) { td.setAttribute("data-label", heads[i]); } });
    });
  });

  restore();
  filter();
  document.documentElement.setAttribute("data-ready", String(Math.round(performance.now())));
}());
