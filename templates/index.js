/* tcpladder index: search and sort every flow of the report, not only the
 * page's. Written once beside the index pages, which link it; flows.js,
 * the report's flows as compact data (report_index_data.c, db_report.h
 * says what each column holds), loads after it and calls
 * tcpladder_flows(head, chunks), each chunk the JSON text of an array of
 * columns. Without scripts, or without flows.js, the page reads as
 * written: its paged table in flow id order.
 *
 * With the data, the page's table is rebuilt from it: rows for the flows
 * the query matches, in the chosen order, 200 at a time. The query and
 * the order live in the URL's # (index.html#q=port:443&sort=-score), so
 * a view can be linked. Query: words match anywhere in a row;
 * field:value narrows to a field (id port client server addr capture
 * state conn client_state server_state anomaly reason); score, packets,
 * bytes, duration (in ms, or with a unit: 2s) and id compare with > >= <
 * <= =; a leading - negates a term. Its timings (load_ms from navigation
 * start to the rows drawn from every flow, filter_ms and sort_ms of the
 * last query) go into #tl-timings for `chromium --dump-dom`. */
(function () {
	"use strict";
	var PAGE = 200;
	var NNBSP = "\u202f";
	var timings = { load_ms: 0, page_ms: performance.now(), data_ms: 0, sort_ms: 0,
	                filter_ms: 0, render_ms: 0, arrive_ms: 0 };

	window.tcpladder_flows = function (head, chunks) {
		var t0 = timings.arrive_ms = performance.now();
		var table = document.getElementById("flow-table");
		if (!table || !Array.isArray(chunks))
			return;
		var view = decode(head, chunks);
		timings.data_ms = performance.now() - t0;
		start(view, table);
		timings.load_ms = performance.now();
		showTimings(view);
		/* What the first plain word would build, built once the page is
		 * up, so that typing finds it ready. */
		setTimeout(function () { clientText(view); }, 100);
	};

	/* ---- the data ------------------------------------------------------ */

	/* The chunks (db_report.h says what each column holds) into one typed
	 * array per column over every flow; the head's tables (servers,
	 * kinds of ending) made objects once, each flow referring to them by
	 * place. */
	function decode(head, chunks) {
		var at = {}, parts = chunks.map(function (c) { return JSON.parse(c); }), n = 0;
		head.columns.forEach(function (name, k) { at[name] = k; });
		parts.forEach(function (p) { n += p[at.client].length; });
		var f = {
			id: new Float64Array(n), capture: new Float64Array(n), client: new Float64Array(n),
			cport: new Int32Array(n), server: new Int32Array(n), sport: new Int32Array(n),
			start_us: new Float64Array(n), duration_us: new Float64Array(n),
			packets: new Float64Array(n), bytes_cs: new Float64Array(n),
			bytes_sc: new Float64Array(n), kind: new Int32Array(n), score: new Float64Array(n),
		};
		var caps = {};
		(head.captures || []).forEach(function (c) {
			var path = String(c[1] || "");
			caps[c[0]] = { path: path, base: path.replace(/^.*\//, "") || path };
		});
		var states = {};
		(head.states || []).forEach(function (s) { states[s[0]] = s[1]; });
		var v = { f: f, n: n, base: head.base_s || 0, caps: caps, flags: head.flags || [],
		          notablePages: head.pages === "notable", orders: {}, keys: {},
		          clients6: head.clients6 || [] };
		v.servers = (head.servers || []).map(function (s) {
			var ip = String(s[0]);
			return { ip: ip, port: s[1], text: (ip.indexOf(":") >= 0 ? "[" + ip + "]" : ip) + ":" + s[1] };
		});
		v.kinds = (head.kinds || []).map(function (k) {
			var cs = states[k[1]] === undefined ? "" : states[k[1]];
			var ss = states[k[2]] === undefined ? "" : states[k[2]];
			var conn = k[0] || "", open = !isFinal(cs) || !isFinal(ss);
			var reset = connClass(conn) === "conn-reset", flags = flagNames(v, k[3]);
			return { conn: conn, cs: cs, ss: ss, analysis: k[3], reasons: k[4] || "",
			         reasonList: k[4] ? k[4].split(",") : [], flagList: flags ? flags.split(",") : [],
			         notable: k[5] === 1, open: open, reset: reset,
			         cls: "flow" + (reset ? " reset" : "") + (open ? " abnormal" : "") +
			              (k[3] ? " anomalous" : "") + (k[5] === 1 ? " notable" : "") };
		});
		var o = 0;
		parts.forEach(function (p) {
			var m = p[at.client].length, r, k, j, i;
			/* Runs of ids: gap from the last run's end, length. */
			for (r = p[at.ids], k = 0, i = o, j = 0; k < r.length; k += 2) {
				var first = j + r[k];
				for (j = first; j !== first + r[k + 1]; j++)
					f.id[i++] = j;
			}
			for (r = p[at.captures], k = 0, i = o; k < r.length; k += 2) {
				for (j = 0; j !== r[k + 1]; j++)
					f.capture[i++] = r[k];
			}
			["client", "cport", "server", "duration_us", "packets", "bytes_cs", "bytes_sc", "kind"]
				.forEach(function (name) { f[name].set(p[at[name === "cport" ? "client_port" : name]], o); });
			var t = 0, d = p[at.start_us], sc = p[at.score], q = 0;
			for (j = 0; j !== m; j++) {
				f.start_us[o + j] = t += d[j];
				var kind = v.kinds[f.kind[o + j]];
				if (kind && kind.notable)
					f.score[o + j] = sc[q++];
				f.sport[o + j] = v.servers[f.server[o + j]].port;
			}
			o += m;
		});
		/* Counts per reason (the score's) and per anomaly flag. */
		var perKind = new Float64Array(v.kinds.length);
		for (var i = 0; i !== n; i++)
			perKind[f.kind[i]]++;
		v.reasonCount = {};
		v.flagCount = {};
		v.kinds.forEach(function (k, x) {
			k.reasonList.forEach(function (w) { v.reasonCount[w] = (v.reasonCount[w] || 0) + perKind[x]; });
			k.flagList.forEach(function (w) { v.flagCount[w] = (v.flagCount[w] || 0) + perKind[x]; });
		});
		return v;
	}

	function ipv4(x) {
		return (x >>> 24) + "." + ((x >>> 16) & 255) + "." + ((x >>> 8) & 255) + "." + (x & 255);
	}

	/* Flow i's client, "10.0.0.1:40000" or "[2001:db8::1]:40000". */
	function client(v, i) {
		var x = v.f.client[i];
		return (x >= 0 ? ipv4(x) : "[" + v.clients6[-1 - x] + "]") + ":" + v.f.cport[i];
	}

	function server(v, i) {
		return v.servers[v.f.server[i]].text;
	}

	function capture(v, id) {
		return v.caps[id] || { path: "capture " + id, base: "capture " + id };
	}

	/* A mask's anomaly flag names, "retransmission,duplicate_ack". */
	function flagNames(v, mask) {
		var names = [];
		v.flags.forEach(function (f) { if (mask & f[0]) names.push(f[1]); });
		return names.join(",");
	}

	/* Every client as text, lower-cased and joined with the row starts,
	 * made on the first word: indexOf over it all rather than row by
	 * row. Written as bytes and decoded once: 200,000 strings joined took
	 * most of a second. */
	function clientText(v) {
		if (v.clientText)
			return v.clientText;
		var starts = new Float64Array(v.n + 1), buf = new Uint8Array(v.n * 24 + 64), at = 0;
		function digits(x) {
			if (x >= 10)
				digits(Math.floor(x / 10));
			buf[at++] = 48 + x % 10;
		}
		for (var i = 0; i !== v.n; i++) {
			starts[i] = at;
			var x = v.f.client[i];
			if (at + 64 > buf.length) {
				var grown = new Uint8Array(buf.length * 2);
				grown.set(buf);
				buf = grown;
			}
			if (x >= 0) {
				digits(x >>> 24);
				buf[at++] = 46;
				digits((x >>> 16) & 255);
				buf[at++] = 46;
				digits((x >>> 8) & 255);
				buf[at++] = 46;
				digits(x & 255);
			} else {
				var t = "[" + String(v.clients6[-1 - x]).toLowerCase() + "]";
				for (var c = 0; c !== t.length && c < 60; c++)
					buf[at++] = t.charCodeAt(c) & 127;
			}
			buf[at++] = 58;
			digits(v.f.cport[i]);
			buf[at++] = 10;
		}
		starts[v.n] = at;
		var all = new TextDecoder().decode(buf.subarray(0, at));
		return (v.clientText = { all: all, starts: starts });
	}

	/* The flows matching in i, for a test of each server and kind: few
	 * of those among many flows. */
	function byTable(v, serverTest, kindTest, mask) {
		var s = serverTest ? v.servers.map(serverTest) : null;
		var k = kindTest ? v.kinds.map(kindTest) : null;
		if ((s && s.indexOf(true) >= 0) || (k && k.indexOf(true) >= 0)) {
			for (var i = 0; i !== v.n; i++) {
				if ((s && s[v.f.server[i]]) || (k && k[v.f.kind[i]]))
					mask[i] = 1;
			}
		}
		return mask;
	}

	/* Plain words are looked for in the clients' text, in the servers,
	 * in what the kinds of ending hold (conn_state, final states,
	 * anomaly flags, reasons), in the captures' names and in the ids. */
	function wordMask(v, word) {
		var mask = new Uint8Array(v.n), f = v.f, i, low = word.toLowerCase();
		var t = clientText(v), starts = t.starts;
		for (var pos = t.all.indexOf(low); pos !== -1; ) {
			/* The row holding pos: the last start at or before it. */
			var lo = 0, hi = v.n - 1;
			while (lo < hi) {
				var mid = (lo + hi + 1) >> 1;
				if (starts[mid] <= pos)
					lo = mid;
				else
					hi = mid - 1;
			}
			mask[lo] = 1;
			pos = t.all.indexOf(low, starts[lo + 1]);
		}
		function has(s) { return s.toLowerCase().indexOf(low) !== -1; }
		byTable(v, function (s) { return has(s.text); }, function (k) {
			return has(k.conn) || has(k.cs) || has(k.ss) || has(k.reasons) || has(flagNames(v, k.analysis));
		}, mask);
		var caps = {}, any = false;
		Object.keys(v.caps).forEach(function (id) {
			if (has(v.caps[id].base))
				any = caps[id] = true;
		});
		var id = /^#?\d+$/.test(low) ? parseInt(low.replace("#", ""), 10) : -1;
		if (any || id >= 0) {
			for (i = 0; i !== v.n; i++) {
				if (caps[f.capture[i]] || f.id[i] === id)
					mask[i] = 1;
			}
		}
		return mask;
	}

	/* ---- formatting (as report_index.c writes the static table) --------- */

	function group(n) {
		var s = String(n);
		return s.replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
	}

	function pad(n, w) {
		return ("000000" + n).slice(-w);
	}

	function duration(us) {
		if (us < 1)
			return "0 \u00b5s";
		if (us < 1000)
			return us.toFixed(1) + " \u00b5s";
		if (us < 1e6)
			return (us / 1e3).toFixed(2) + " ms";
		if (us < 6e7)
			return (us / 1e6).toFixed(3) + " s";
		var s = Math.floor(us / 1e6);
		if (s < 3600)
			return Math.floor(s / 60) + " min " + pad(s % 60, 2) + " s";
		if (s < 2 * 86400)
			return Math.floor(s / 3600) + " h " + pad(Math.floor(s / 60) % 60, 2) + " min";
		return Math.floor(s / 86400) + " d " + pad(Math.floor(s / 3600) % 24, 2) + " h";
	}

	/* The start as time of day to the millisecond, the full UTC time (to
	 * the microsecond) for the title. */
	function startTimes(v, us) {
		var d = new Date(v.base * 1000 + Math.floor(us / 1000));
		var iso = d.toISOString();
		return [iso.slice(11, 23), iso.slice(0, 19) + "." + pad(us % 1e6, 6) + "Z"];
	}

	/* ---- columns ------------------------------------------------------- */

	function popcount(x) {
		for (var c = 0; x; x &= x - 1)
			c++;
		return c;
	}

	/* Each column: its header, how its cell is made, and its sort key
	 * (numbers, or strings). */
	function columns(v) {
		var f = v.f;
		function num(name) { return function (i) { return f[name][i] || 0; }; }
		function kind(i) { return v.kinds[f.kind[i]]; }
		return [
			{ key: "id", label: "ID", num: true, sortKey: num("id") },
			{ key: "client", label: "Client", addr: "client" },
			{ key: "server", label: "Server", addr: "server" },
			{ key: "start", label: "Start (UTC)", num: true, title: "time of day; the full time in each cell's title",
			  sortKey: num("start_us") },
			{ key: "duration", label: "Duration", num: true, sortKey: num("duration_us") },
			{ key: "packets", label: "Packets", num: true, sortKey: num("packets") },
			{ key: "bytes_cs", label: "Bytes\nc\u2192s", num: true, sortKey: num("bytes_cs") },
			{ key: "bytes_sc", label: "Bytes\ns\u2192c", num: true, sortKey: num("bytes_sc") },
			{ key: "client_state", label: "Client\nstate", sortKey: function (i) { return kind(i).cs; } },
			{ key: "server_state", label: "Server\nstate", sortKey: function (i) { return kind(i).ss; } },
			{ key: "conn", label: "conn\nstate", title: "Zeek's conn_state",
			  sortKey: function (i) { return kind(i).conn; } },
			{ key: "score", label: "Score", num: true, title: "notability: higher is more worth a look",
			  sortKey: num("score") },
			{ key: "anomalies", label: "Anomalies", num: false, byNumber: true,
			  sortKey: function (i) {
			      var k = kind(i);
			      return k.reasonList.length * 64 + popcount(k.analysis || 0);
			  } },
			{ key: "capture", label: "Capture", byNumber: true, sortKey: num("capture") },
		];
	}

	/* ---- sorting: every flow's order by a column, kept per column ------ */

	/* A column's keys as numbers: its own, or for text the rank of each
	 * distinct value (IPv4 addresses by number, before IPv6 ones). */
	function sortKeys(v, col) {
		var k = v.keys[col.key];
		if (k)
			return k;
		var n = v.n, i;
		k = new Float64Array(n);
		if (col.addr) {
			/* An IPv4 address's number and port; the others after, by text. */
			var other = {}, f = v.f, P49 = Math.pow(2, 49);
			var addrKey = function (text) {
				var m = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(text);
				if (m)
					return ((((+m[1] * 256 + +m[2]) * 256 + +m[3]) * 256 + +m[4]) * 65536) + +m[5];
				other[text] = -1;
				return -1;
			};
			var sk = col.addr === "server" ? v.servers.map(function (s) { return addrKey(s.text); }) : null;
			for (i = 0; i !== n; i++)
				k[i] = sk ? sk[f.server[i]] : f.client[i] >= 0 ? f.client[i] * 65536 + f.cport[i]
				                                             : addrKey(client(v, i));
			var names = Object.keys(other).sort();
			names.forEach(function (name, r) { other[name] = P49 + r; });
			if (sk)
				sk = sk.map(function (x, s) { return x < 0 ? other[v.servers[s].text] : x; });
			for (i = 0; names.length && i !== n; i++) {
				if (k[i] < 0)
					k[i] = sk ? sk[f.server[i]] : other[client(v, i)];
			}
		} else if (col.num || col.byNumber) {
			for (i = 0; i !== n; i++)
				k[i] = +col.sortKey(i) || 0;
		} else {
			var text = new Array(n), seen = {};
			for (i = 0; i !== n; i++)
				seen[text[i] = String(col.sortKey(i))] = 0;
			var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
			Object.keys(seen).sort(collator.compare).forEach(function (t, r) { seen[t] = r; });
			for (i = 0; i !== n; i++)
				k[i] = seen[text[i]];
		}
		return (v.keys[col.key] = k);
	}

	/* Row indexes in order of col, descending when desc; ties in flow id
	 * order (the rows come by id). Each key is made a rank, and rank and
	 * index one number (rank * 2^b + index), sorted as numbers: no
	 * comparison function called millions of times. */
	function order(v, col, desc) {
		var name = (desc ? "-" : "") + col.key;
		if (v.orders[name])
			return v.orders[name];
		var n = v.n, k = sortKeys(v, col), i;
		var distinct = Float64Array.from(k).sort(), u = 0;
		for (i = 0; i !== n; i++) {
			if (u === 0 || distinct[i] !== distinct[u - 1])
				distinct[u++] = distinct[i];
		}
		var M = 1;
		while (M < n)
			M *= 2;
		var both = new Float64Array(n);
		for (i = 0; i !== n; i++) {
			var lo = 0, hi = u - 1, x = k[i];
			while (lo < hi) {
				var mid = (lo + hi) >> 1;
				if (distinct[mid] < x)
					lo = mid + 1;
				else
					hi = mid;
			}
			both[i] = (desc ? u - 1 - lo : lo) * M + i;
		}
		both.sort();
		var idx = new Uint32Array(n);
		for (i = 0; i !== n; i++)
			idx[i] = both[i] % M;
		return (v.orders[name] = idx);
	}

	/* ---- the query ----------------------------------------------------- */

	function parseNumber(field, text) {
		var m = /^(-?\d+(?:\.\d+)?)([a-z\u00b5]*)$/i.exec(text);
		if (!m)
			return NaN;
		var x = parseFloat(m[1]), unit = m[2].toLowerCase();
		if (field !== "duration")
			return unit === "" ? x : (unit === "k" ? x * 1e3 : unit === "m" ? x * 1e6 : NaN);
		var scale = { "": 1e3, us: 1, "\u00b5s": 1, ms: 1e3, s: 1e6, min: 6e7, h: 3.6e9 }[unit];
		return scale === undefined ? NaN : x * scale;
	}

	function compare(op, a, b) {
		switch (op) {
		case ">": return a > b;
		case ">=": return a >= b;
		case "<": return a < b;
		case "<=": return a <= b;
		default: return a === b;
		}
	}

	/* One term's test of row i, or null when the term is not a field's
	 * (then it is a plain word). */
	function fieldTest(v, field, op, value) {
		var f = v.f, low = value.toLowerCase();
		var numeric = { id: "id", score: "score", packets: "packets", duration: "duration_us" };
		if (field === "bytes") {
			var nb = parseNumber(field, value);
			return isNaN(nb) ? null : function (i) {
				return compare(op, f.bytes_cs[i] + f.bytes_sc[i], nb);
			};
		}
		if (numeric[field] && (op !== ":" || /^\d/.test(value))) {
			var x = parseNumber(field, value), col = f[numeric[field]];
			return isNaN(x) ? null : function (i) { return compare(op, col[i], x); };
		}
		if (op !== ":" && op !== "=")
			return null;
		/* A test of each server or kind, looked up per flow. */
		function perServer(t) {
			var m = v.servers.map(t);
			return function (i) { return m[f.server[i]]; };
		}
		function perKind(t) {
			var m = v.kinds.map(t);
			return function (i) { return m[f.kind[i]]; };
		}
		function has(s) { return s.toLowerCase().indexOf(low) !== -1; }
		function clientHas(i) { return has(client(v, i)); }
		switch (field) {
		case "port":
			var p = parseInt(value, 10);
			if (isNaN(p))
				return null;
			var cp = f.cport, sp = f.sport;
			return function (i) { return cp[i] === p || sp[i] === p; };
		case "client":
			return clientHas;
		case "server":
			return perServer(function (s) { return has(s.text); });
		case "addr":
		case "ip":
		case "host":
			var sh = perServer(function (s) { return has(s.text); });
			return function (i) { return sh(i) || clientHas(i); };
		case "capture":
		case "cap":
			if (/^\d+$/.test(value)) {
				var id = parseInt(value, 10);
				return function (i) { return f.capture[i] === id; };
			}
			return function (i) { return has(capture(v, f.capture[i]).path); };
		case "conn":
		case "conn_state":
			return perKind(function (k) { return k.conn.toLowerCase() === low; });
		case "client_state":
		case "server_state":
			var which = field === "client_state" ? "cs" : "ss";
			return perKind(function (k) { return k[which].toLowerCase() === low; });
		case "state":
			return perKind(function (k) {
				return k.conn.toLowerCase() === low || k.cs.toLowerCase() === low ||
				       k.ss.toLowerCase() === low;
			});
		case "anomaly":
		case "flag":
		case "reason":
			var mask = 0;
			if (field !== "reason") {
				v.flags.forEach(function (fl) {
					if (has(fl[1]))
						mask |= fl[0];
				});
			}
			return perKind(function (k) { return (k.analysis & mask) !== 0 || has(k.reasons); });
		}
		return null;
	}

	/* The query's terms as tests; all must hold. */
	function compile(v, q) {
		var tests = [];
		q.trim().split(/\s+/).forEach(function (term) {
			if (!term)
				return;
			var neg = term.length > 1 && term.charAt(0) === "-";
			if (neg)
				term = term.slice(1);
			var m = /^([a-z_]+)(>=|<=|:|=|>|<)(.+)$/i.exec(term);
			var test = m ? fieldTest(v, m[1].toLowerCase(), m[2], m[3]) : null;
			if (!test) {
				var mask = wordMask(v, term.toLowerCase());
				test = function (i) { return mask[i] === 1; };
			}
			tests.push({ test: test, neg: neg });
		});
		return tests;
	}

	/* The rows matching tests, in ord's order. */
	function filter(v, tests, ord) {
		var out = new Uint32Array(v.n), m = 0, nt = tests.length;
		for (var j = 0; j !== ord.length; j++) {
			var i = ord[j], ok = true;
			for (var k = 0; k !== nt; k++) {
				if (tests[k].test(i) === tests[k].neg) {
					ok = false;
					break;
				}
			}
			if (ok)
				out[m++] = i;
		}
		return out.subarray(0, m);
	}

	/* ---- the URL's # ----------------------------------------------------- */

	function readHash() {
		var h = location.hash.replace(/^#/, ""), out = {};
		h.split("&").forEach(function (part) {
			var k = part.indexOf("=");
			if (k > 0) {
				try {
					out[part.slice(0, k)] = decodeURIComponent(part.slice(k + 1).replace(/\+/g, " "));
				} catch (e) {
					/* a malformed escape: the part is ignored */
				}
			}
		});
		return out;
	}

	function enc(s) {
		return encodeURIComponent(s).replace(/%20/g, "+").replace(/%3A/gi, ":")
		                            .replace(/%2C/gi, ",");
	}

	/* ---- the page ------------------------------------------------------ */

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = text;
		return e;
	}

	function cell(tr, cls, text, title) {
		var td = el("td", cls, text);
		if (title)
			td.title = title;
		tr.appendChild(td);
		return td;
	}

	function isFinal(s) {
		return s === "CLOSED" || s === "TIME_WAIT";
	}

	function connClass(c) {
		if (c === "SF")
			return "conn-normal";
		if (c === "REJ" || c.slice(0, 3) === "RST")
			return "conn-reset";
		return /^(S[0-3]|SH|SHR|OTH)$/.test(c) ? "conn-open" : "";
	}

	function makeRow(v, i) {
		var f = v.f, k = v.kinds[f.kind[i]];
		var tr = el("tr", k.cls);
		tr.setAttribute("data-flow", f.id[i]);
		var cap = capture(v, f.capture[i]);
		/* Past the notable-only limit, only the notable flows have a page. */
		var linked = !v.notablePages || f.score[i] > 0;
		var a = el(linked ? "a" : "span", null, f.id[i]);
		if (linked)
			a.href = "flows/" + f.id[i] + ".html";
		a.title = cap.path;
		cell(tr, "num id").appendChild(a);
		cell(tr, "addr client", client(v, i));
		cell(tr, "addr server", server(v, i));
		var t = startTimes(v, f.start_us[i]);
		cell(tr, "time", t[0], t[1]);
		cell(tr, "num duration", duration(f.duration_us[i]));
		cell(tr, "num", group(f.packets[i]));
		cell(tr, "num", group(f.bytes_cs[i]));
		cell(tr, "num", group(f.bytes_sc[i]));
		cell(tr, isFinal(k.cs) ? "state" : "state open", k.cs);
		cell(tr, isFinal(k.ss) ? "state" : "state open", k.ss);
		var td = cell(tr, "conn");
		if (k.conn)
			td.appendChild(el("span", connClass(k.conn), k.conn));
		if (k.reset)
			td.appendChild(el("span", "tag rst", "RST"));
		if (k.open)
			td.appendChild(el("span", "tag open", "OPEN"));
		cell(tr, "num score", f.score[i] ? f.score[i] : "", k.reasons || null);
		td = cell(tr, "anomalies");
		k.reasonList.forEach(function (w) { td.appendChild(el("span", "badge reason", w)); });
		k.flagList.forEach(function (w) { td.appendChild(el("span", "badge", w)); });
		cell(tr, "capture", cap.base, cap.path);
		return tr;
	}

	function start(v, table) {
		var cols = columns(v), byKey = {};
		cols.forEach(function (c) { byKey[c.key] = c; });
		var state = { q: "", sort: "-score", result: null, shown: 0 };

		/* The table's header and body anew; the static pagers go, since
		 * the rows now come from every page. */
		["pager-top", "pager-bottom"].forEach(function (id) {
			var nav = document.getElementById(id);
			if (nav)
				nav.hidden = true;
		});
		/* A later page's "page N of M: flows a-b" no longer holds. */
		var sub = document.getElementById("subheading");
		if (sub && sub.firstChild && sub.firstChild.nodeType === 3 &&
		    sub.firstChild.data.indexOf("page ") === 0)
			sub.firstChild.data = "every flow of the report (" + group(v.n) + ")\u00a0\u00b7 ";
		table.classList.add("sortable", "scripted");
		var thead = el("thead"), hr = el("tr");
		thead.appendChild(hr);
		var heads = cols.map(function (c) {
			var th = el("th", c.num ? "num" : null);
			th.scope = "col";
			th.setAttribute("data-key", c.key);
			c.label.split("\n").forEach(function (line, k) {
				if (k)
					th.appendChild(el("br"));
				th.appendChild(document.createTextNode(line));
			});
			th.title = c.title || ("sort by " + c.label.replace(/\n/g, " "));
			th.tabIndex = 0;
			function click() {
				var cur = state.sort.replace(/^-/, "");
				/* A second click reverses; numbers start highest first. */
				state.sort = cur === c.key ? (state.sort.charAt(0) === "-" ? c.key : "-" + c.key)
				                           : (c.num && c.key !== "id" ? "-" : "") + c.key;
				apply(true);
			}
			th.addEventListener("click", click);
			th.addEventListener("keydown", function (e) {
				if (e.key === "Enter" || e.key === " ") {
					e.preventDefault();
					click();
				}
			});
			hr.appendChild(th);
			return th;
		});
		var tbody = el("tbody");
		table.textContent = "";
		table.appendChild(thead);
		table.appendChild(tbody);

		var more = el("div", "more");
		var moreButton = el("button", null, "");
		moreButton.type = "button";
		more.appendChild(moreButton);
		table.parentNode.insertBefore(more, table.nextSibling);
		moreButton.addEventListener("click", function () { render(false); });

		var tools = document.getElementById("flow-tools");
		var input = document.getElementById("flow-filter");
		var shown = document.getElementById("flow-shown");
		if (input) {
			input.placeholder = "Search every flow: 10.0.0.1 port:443 state:REJ anomaly:reset score>0";
			input.title = "words match anywhere; field:value for id port client server addr capture" +
			              " state conn anomaly reason; score packets bytes duration id with > < =;" +
			              " -term excludes";
			input.addEventListener("input", function () {
				state.q = input.value;
				apply(true);
			});
		}
		chips(v, function (q) {
			state.q = q;
			if (input)
				input.value = q;
			apply(true);
		});
		if (tools)
			tools.hidden = false;

		function render(fresh) {
			var t0 = performance.now();
			var res = state.result;
			if (fresh) {
				tbody.textContent = "";
				state.shown = 0;
			}
			var frag = document.createDocumentFragment();
			var end = Math.min(res.length, state.shown + PAGE);
			for (var j = state.shown; j !== end && j < end; j++)
				frag.appendChild(makeRow(v, res[j]));
			tbody.appendChild(frag);
			state.shown = end;
			var left = res.length - end;
			more.hidden = left <= 0;
			moreButton.textContent = "Show " + group(Math.min(PAGE, left)) + " more (" +
			                         group(left) + " not shown)";
			if (shown) {
				shown.textContent = (state.q.trim() ? group(res.length) + " of " + group(v.n)
				                                    : group(v.n)) +
				                    " flows" + (end < res.length ? ", the first " + group(end) + " shown" : "");
			}
			timings.render_ms = performance.now() - t0;
		}

		function apply(toUrl) {
			var key = state.sort.replace(/^-/, "");
			var col = byKey[key] || byKey.score;
			var desc = state.sort.charAt(0) === "-";
			var t0 = performance.now();
			var ord = order(v, col, desc);
			var t1 = performance.now();
			state.result = filter(v, compile(v, state.q), ord);
			render(true);
			var t2 = performance.now();
			timings.sort_ms = t1 - t0;
			timings.filter_ms = t2 - t1;
			/* The view shown, for a reader of the DOM (tests, --dump-dom). */
			table.setAttribute("data-query", state.q.trim());
			table.setAttribute("data-order", (desc ? "-" : "") + col.key);
			table.setAttribute("data-matches", state.result.length);
			heads.forEach(function (th, k) {
				if (cols[k] === col)
					th.setAttribute("aria-sort", desc ? "descending" : "ascending");
				else
					th.removeAttribute("aria-sort");
			});
			if (toUrl) {
				var h = "#" + (state.q.trim() ? "q=" + enc(state.q.trim()) + "&" : "") +
				        "sort=" + enc(state.sort);
				try {
					history.replaceState(null, "", h);
				} catch (e) {
					/* a browser that will not: the view still works */
				}
			}
			showTimings(v);
		}

		function fromHash() {
			var h = readHash();
			state.q = h.q || "";
			state.sort = h.sort && byKey[h.sort.replace(/^-/, "")] ? h.sort : "-score";
			if (input)
				input.value = state.q;
			apply(false);
		}
		window.addEventListener("hashchange", fromHash);
		fromHash();
	}

	/* Counts per reason (the score's) and per anomaly flag, over every
	 * flow; a click searches for it. */
	function chips(v, search) {
		var box = document.getElementById("flow-chips");
		if (!box)
			return;
		function group_(label, counts, field) {
			var names = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
			if (!names.length)
				return;
			box.appendChild(el("span", "chips-label", label));
			names.forEach(function (name) {
				var b = el("button", "chip " + field);
				b.type = "button";
				b.setAttribute("data-" + field, name);
				b.appendChild(el("span", "chip-name", name));
				b.appendChild(el("span", "chip-count", group(counts[name])));
				b.title = "show the " + counts[name] + " flows: " + field + ":" + name;
				b.addEventListener("click", function () { search(field + ":" + name); });
				box.appendChild(b);
			});
		}
		group_("Worth a look:", v.reasonCount, "reason");
		group_("Anomalies:", v.flagCount, "anomaly");
		box.hidden = !box.firstChild;
	}

	function showTimings(v) {
		var pre = document.getElementById("tl-timings");
		if (!pre) {
			pre = el("pre");
			pre.id = "tl-timings";
			pre.hidden = true;
			document.body.appendChild(pre);
		}
		pre.textContent = Object.keys(timings).map(function (k) {
			return k + "=" + timings[k].toFixed(1);
		}).join(" ") + " flows=" + v.n;
	}
})();
