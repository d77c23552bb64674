// Sorting and filtering of the services table; the filter also hides the services' cards and
// their entries in the board summary, counts in each list's heading what it leaves, and says
// "filtered: N of M services" at the top (printed too). The executive print keeps collapsed
// blocks closed; "full print" opens every <details>.
(function () {
  "use strict";
  var table = document.getElementById("services");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var verdict = document.getElementById("f-verdict");
  var criterion = document.getElementById("f-criterion");
  var search = document.getElementById("f-search");
  var count = document.getElementById("f-count");
  var banner = document.getElementById("f-banner");
  var full = document.getElementById("f-print-full");
  var related = {};  // service id -> the elements of the board summary that name it
  Array.prototype.forEach.call(document.querySelectorAll("#board [data-target]"), function (el) {
    var id = el.getAttribute("data-target");
    (related[id] = related[id] || []).push(el);
  });

  function matches(row) {
    var c = criterion.value.split(":");
    var q = search.value.trim().toLowerCase();
    return (!verdict.value || row.getAttribute("data-verdict") === verdict.value) &&
      (!criterion.value || row.getAttribute("data-" + c[0]) === c[1]) &&
      (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
  }

  function describe() {
    var parts = [];
    [verdict, criterion].forEach(function (s) {
      if (s.value) { parts.push(s.options[s.selectedIndex].textContent); }
    });
    if (search.value.trim()) { parts.push("\u201c" + search.value.trim() + "\u201d"); }
    return parts.join(", ");
  }

  function filter() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      var id = row.getAttribute("data-target");
      row.hidden = !ok;
      var section = document.getElementById(id);
      if (section) { section.hidden = !ok; }
      (related[id] || []).forEach(function (el) { el.hidden = !ok; });
      if (ok) { shown += 1; }
    });
    // a "waiting for data" line whose services are all filtered out goes too
    Array.prototype.forEach.call(document.querySelectorAll("#board ul.waiting > li"), function (li) {
      li.hidden = !li.querySelector("[data-target]:not([hidden])");
    });
    // and the whole block, heading included, when none of its lines is left
    Array.prototype.forEach.call(document.querySelectorAll("#board .waiting-block"), function (block) {
      block.hidden = !block.querySelector("ul.waiting > li:not([hidden])");
    });
    var filtering = Boolean(verdict.value || criterion.value || search.value.trim());
    recount(filtering);
    count.textContent = shown + " of " + rows.length + " services shown";
    banner.hidden = shown === rows.length && !filtering;
    banner.textContent = "filtered: " + shown + " of " + rows.length + " services (" + describe() +
      "); the headings of lists count what the filter leaves, the cards and charts all " + rows.length;
  }

  // A list's heading says how many of its entries the filter leaves ("1 of 3"). An entry naming
  // no service of this review (a removed one) cannot match a filter: it is hidden while one is set.
  function recount(filtering) {
    Array.prototype.forEach.call(document.querySelectorAll("#board .count-block"), function (block) {
      var items = block.querySelectorAll("[data-item]");
      var left = 0;
      Array.prototype.forEach.call(items, function (el) {
        if (el.hasAttribute("data-untargeted")) { el.hidden = filtering; }
        if (!el.hidden) { left += 1; }
      });
      var n = block.querySelector(".count");
      var total = n.getAttribute("data-total");
      n.textContent = filtering ? left + " of " + total : total;
    });
  }

  function key(row, column) {
    var cell = row.cells[column];
    return cell.getAttribute("data-sort") || cell.textContent.trim();
  }

  function sortBy(th) {
    var column = th.cellIndex;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = key(a, column), y = key(b, column);
      var nx = Number(x), ny = Number(y);
      var order = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.querySelectorAll("th button"), function (button) {
    button.addEventListener("click", function () { sortBy(button.parentNode); });
  });
  [verdict, criterion].forEach(function (el) { el.addEventListener("change", filter); });
  search.addEventListener("input", filter);
  full.addEventListener("change", function () { document.body.classList.toggle("print-full", full.checked); });
  filter();

  var closed = [];
  window.addEventListener("beforeprint", function () {
    if (!full.checked) { return; }
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
}());
