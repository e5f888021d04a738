/* tcpladder index: sortable flow columns and a filter box. Inlined into
 * index pages by report_index.c; the page reads fine without it (the
 * table comes sorted by flow id and the filter box stays hidden). A cell
 * with data-sort sorts by that number; others sort as text. Sorting and
 * filtering act on the flows of this page only. This text must never hold
 * a closing script tag: it goes into the page as it is. */
(function () {
	"use strict";
	var table = document.getElementById("flow-table");
	if (!table || !table.tBodies.length)
		return;
	var body = table.tBodies[0];
	var rows = Array.prototype.slice.call(body.rows);
	var heads = table.tHead ? table.tHead.rows[0].cells : [];
	var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

	function key(row, col, numeric) {
		var cell = row.cells[col];
		if (!cell)
			return numeric ? -Infinity : "";
		var v = cell.getAttribute("data-sort");
		if (numeric) {
			var n = parseFloat(v);
			return isNaN(n) ? -Infinity : n;
		}
		return v !== null ? v : cell.textContent.trim();
	}

	function sortBy(col) {
		var th = heads[col];
		var numeric = th.getAttribute("data-type") === "num";
		var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
		for (var i = 0; i !== heads.length; i++)
			heads[i].removeAttribute("aria-sort");
		th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
		/* Ties keep flow id order: the sort is stable on the original rows. */
		var order = rows.map(function (row, i) { return [row, key(row, col, numeric), i]; });
		order.sort(function (a, b) {
			var c = numeric ? (a[1] === b[1] ? 0 : (a[1] > b[1] ? 1 : -1))
			                : collator.compare(a[1], b[1]);
			return c !== 0 ? c * dir : a[2] - b[2];
		});
		var frag = document.createDocumentFragment();
		order.forEach(function (o) { frag.appendChild(o[0]); });
		body.appendChild(frag);
	}

	table.classList.add("sortable");
	/* The rows come in flow id order: say so, and a click on ID reverses. */
	if (heads.length)
		heads[0].setAttribute("aria-sort", "ascending");
	Array.prototype.forEach.call(heads, function (th, col) {
		th.tabIndex = 0;
		if (!th.title)
			th.title = "sort by " + th.innerText.replace(/\s+/g, " ").trim();
		th.addEventListener("click", function () { sortBy(col); });
		th.addEventListener("keydown", function (e) {
			if (e.key === "Enter" || e.key === " ") {
				e.preventDefault();
				sortBy(col);
			}
		});
	});

	var tools = document.getElementById("flow-tools");
	var input = document.getElementById("flow-filter");
	var shown = document.getElementById("flow-shown");
	if (!tools || !input)
		return;
	/* Each row's text once, lower-cased: filtering thousands of rows on
	 * every keystroke must not walk the DOM again. */
	var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
	function filter() {
		var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
		var n = 0;
		rows.forEach(function (row, i) {
			var ok = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
			row.hidden = !ok;
			if (ok)
				n++;
		});
		if (shown)
			shown.textContent = terms.length ? n + " of " + rows.length + " flows shown"
			                                 : rows.length + " flows on this page";
	}
	input.addEventListener("input", filter);
	tools.hidden = false;
	filter();
})();
