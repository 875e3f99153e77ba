// callqa report: the interactive parts (language toggle, paginated tables, the per-call
// transcript view). The charts are static SVG rendered by callqa; this script only reads
// the JSON in #report-data and never touches the network.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var root = document.documentElement;
  var PAGE = { review: 25, calls: 50 };
  var state = { review: 0, calls: 0, filter: "" };
  var filtered = null;
  var callIndex = null;

  function lang() { return root.getAttribute("data-lang") || D.lang; }
  function t(key) {
    var d = D.i18n[lang()] || D.i18n[D.lang] || {};
    return d[key] !== undefined ? d[key] : key;
  }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
      });
    }
    (kids || []).forEach(function (k) {
      if (k !== null && k !== undefined) { e.appendChild(typeof k === "string" ? document.createTextNode(k) : k); }
    });
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function fmt(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }
  function op(i) { return i < 0 ? t("no_operator") : D.ops[i]; }
  function dur(s) { var m = Math.floor(s / 60); var r = Math.round(s % 60); return m + ":" + (r < 10 ? "0" : "") + r; }
  function clock(s) { return dur(s); }

  function callLink(id) {
    return el("a", { "class": "call-link", href: "#call=" + encodeURIComponent(id), text: id });
  }

  function pager(name, total, size, onPage) {
    var pages = Math.max(1, Math.ceil(total / size));
    var p = Math.min(state[name], pages - 1);
    state[name] = p;
    var prev = el("button", { type: "button", "class": "prev", text: t("prev") });
    var next = el("button", { type: "button", "class": "next", text: t("next") });
    if (p === 0) { prev.disabled = true; }
    if (p >= pages - 1) { next.disabled = true; }
    prev.addEventListener("click", function () { state[name] = p - 1; onPage(); });
    next.addEventListener("click", function () { state[name] = p + 1; onPage(); });
    return el("div", { "class": "pager", id: name + "-pager" }, [
      prev, el("span", { "class": "page-info", text: t("page") + " " + (p + 1) + " " + t("of") + " " + pages + " (" + total + ")" }), next
    ]);
  }

  function renderReview() {
    var box = document.getElementById("review-box");
    if (!box) { return; }
    box.textContent = "";
    if (!D.review.length) { box.appendChild(el("p", { "class": "empty", text: t("no_data") })); return; }
    var size = PAGE.review;
    var start = state.review * size;
    var rows = D.review.slice(start, start + size);
    var head = el("tr", null, ["date", "rank", "call", "operator", "time", "priority", "rating", "reasons"].map(function (k) {
      return el("th", { "class": (k === "rank" || k === "priority") ? "num" : "", text: t(k) });
    }));
    var body = el("tbody");
    rows.forEach(function (r) {
      var rating = r[7] !== null ? r[7] : (r[8] !== null ? "≈" + fmt(r[8], 1) + "/10 (" + t("predicted") + ")" : "–");
      body.appendChild(el("tr", { "class": "review-row" }, [
        el("td", { text: r[0] }), el("td", { "class": "num", text: String(r[1]) }), el("td", null, [callLink(r[4])]),
        el("td", { text: op(r[5]) }), el("td", { text: r[6] }), el("td", { "class": "num", text: fmt(r[2], 2) }),
        el("td", { text: rating }), el("td", { text: r[3] })
      ]));
    });
    box.appendChild(el("table", { id: "review-table" }, [el("thead", null, [head]), body]));
    box.appendChild(pager("review", D.review.length, size, renderReview));
  }

  function matchingCalls() {
    if (filtered !== null) { return filtered; }
    var f = state.filter.toLowerCase();
    if (!f) { filtered = D.calls; return filtered; }
    filtered = D.calls.filter(function (c) {
      return c[0].toLowerCase().indexOf(f) >= 0 || (c[3] >= 0 && D.ops[c[3]].toLowerCase().indexOf(f) >= 0);
    });
    return filtered;
  }

  function renderCalls() {
    var box = document.getElementById("calls-box");
    if (!box) { return; }
    box.textContent = "";
    var list = matchingCalls();
    var size = PAGE.calls;
    var start = state.calls * size;
    if (start >= list.length) { state.calls = 0; start = 0; }
    var rows = list.slice(start, start + size);
    var head = el("tr", null, [["call", ""], ["date", ""], ["time", ""], ["operator", ""], ["duration", "num"],
      ["smile_speech", "num"], ["process", "num"], ["rating", ""]].map(function (k) {
      return el("th", { "class": k[1], text: t(k[0]) });
    }));
    var body = el("tbody");
    rows.forEach(function (c) {
      var rating = c[7] !== null ? c[7] : (c[8] !== null ? "≈" + fmt(c[8], 1) + "/10" : "–");
      body.appendChild(el("tr", { "class": "call-row" }, [
        el("td", null, [c[9] & 1 ? callLink(c[0]) : c[0]]), el("td", { text: c[1] }), el("td", { text: c[2] }),
        el("td", { text: op(c[3]) }), el("td", { "class": "num", text: dur(c[4]) }),
        el("td", { "class": "num", text: fmt(c[5], 1) }), el("td", { "class": "num", text: fmt(c[6], 1) }),
        el("td", { text: rating })
      ]));
    });
    box.appendChild(el("table", { id: "calls-table" }, [el("thead", null, [head]), body]));
    box.appendChild(pager("calls", list.length, size, renderCalls));
  }

  function findCall(id) {
    if (callIndex === null) {
      callIndex = {};
      D.calls.forEach(function (c, i) { callIndex[c[0]] = i; });
    }
    var i = callIndex[id];
    return i === undefined ? null : D.calls[i];
  }

  var SPK = ["operator", "customer", "mixed"];
  var EMO_COLOUR = { anger: "#d55e00", disgust: "#8c564b", fear: "#9467bd", sadness: "#0072b2",
    boredom: "#7f7f7f", happiness: "#e69f00", neutral: "#56b4e9" };

  function timeline(utts) {
    var W = 1000, lane = 34, top = 22, H = top + lane * 2 + 30, left = 90, right = 10;
    var end = 1;
    utts.forEach(function (u) { if (u[2] > end) { end = u[2]; } });
    var x = function (s) { return left + (W - left - right) * s / end; };
    var svg = svgEl("svg", { id: "timeline", "class": "chart", viewBox: "0 0 " + W + " " + H, role: "img" });
    [0, 1].forEach(function (k) {
      var y = top + lane * k;
      svg.appendChild(svgEl("rect", { x: left, y: y + 2, width: W - left - right, height: lane - 4, fill: "#f4f6f8" }));
      var label = svgEl("text", { x: left - 8, y: y + lane / 2 + 4, "class": "rl", "text-anchor": "end" });
      label.textContent = t("speaker_" + SPK[k]);
      svg.appendChild(label);
    });
    var step = end > 600 ? 120 : end > 240 ? 60 : end > 90 ? 30 : 10;
    for (var s = 0; s <= end; s += step) {
      svg.appendChild(svgEl("line", { x1: x(s), x2: x(s), y1: top, y2: top + lane * 2, stroke: "#e0e0e0" }));
      var tx = svgEl("text", { x: x(s), y: top + lane * 2 + 14, "class": "ax", "text-anchor": "middle" });
      tx.textContent = clock(s);
      svg.appendChild(tx);
    }
    utts.forEach(function (u, i) {
      var k = u[0] === 1 ? 1 : 0;
      var y = top + lane * k;
      var tags = u[4] || [];
      var pause = null;
      tags.forEach(function (g) { if (g.indexOf("long_pause_before:") === 0) { pause = parseFloat(g.split(":")[1]); } });
      if (pause !== null && !isNaN(pause)) {
        var pr = svgEl("rect", { "class": "pause", x: x(u[1] - pause), y: top, width: Math.max(1, x(u[1]) - x(u[1] - pause)),
          height: lane * 2, fill: "#ffe08a", "fill-opacity": "0.55" });
        var pt = svgEl("title", {}); pt.textContent = t("pause") + " " + pause.toFixed(1) + " s";
        pr.appendChild(pt);
        svg.appendChild(pr);
      }
      var colour = u[5] && EMO_COLOUR[u[5]] ? EMO_COLOUR[u[5]] : (k === 0 ? "#0072b2" : "#7a3e9d");
      var r = svgEl("rect", { "class": "utt", "data-idx": String(i), x: x(u[1]), y: y + 6, width: Math.max(1.5, x(u[2]) - x(u[1])),
        height: lane - 12, fill: colour, "fill-opacity": "0.8", rx: 2 });
      var title = svgEl("title", {});
      title.textContent = clock(u[1]) + "–" + clock(u[2]) + " " + u[3];
      r.appendChild(title);
      svg.appendChild(r);
      if (tags.indexOf("interruption") >= 0) {
        var ix = x(u[1]);
        svg.appendChild(svgEl("path", { "class": "interruption", d: "M" + (ix - 6) + "," + (top - 12) + " L" + (ix + 6) + "," + (top - 12) + " L" + ix + "," + (top - 2) + " Z", fill: "#d55e00" }));
      }
    });
    return svg;
  }

  function showCall(id) {
    var view = document.getElementById("transcript-view");
    view.textContent = "";
    document.body.classList.add("show-call");
    window.scrollTo(0, 0);
    var c = findCall(id);
    var back = el("a", { "class": "back", href: "#review", text: t("back") });
    view.appendChild(back);
    view.appendChild(el("h2", { text: t("transcript") + ": " + id }));
    if (c) {
      view.appendChild(el("div", { "class": "call-head" }, [
        el("span", null, [el("b", { text: t("date") + ": " }), c[1] + " " + c[2]]),
        el("span", null, [el("b", { text: t("operator") + ": " }), op(c[3])]),
        el("span", null, [el("b", { text: t("duration") + ": " }), dur(c[4])]),
        el("span", null, [el("b", { text: t("smile_speech") + ": " }), fmt(c[5], 1)]),
        el("span", null, [el("b", { text: t("process") + ": " }), fmt(c[6], 1)]),
        el("span", null, [el("b", { text: t("rating") + ": " }), c[7] !== null ? c[7] : "–"])
      ]));
    }
    var reasons = D.review.filter(function (r) { return r[4] === id; });
    if (reasons.length) {
      view.appendChild(el("p", { "class": "note" }, [el("b", { text: t("reasons") + ": " }), reasons[0][3]]));
    }
    var utts = D.tx[id];
    if (!utts) { view.appendChild(el("p", { "class": "empty", id: "no-transcript", text: t("no_transcript") })); return; }
    view.appendChild(el("h3", { text: t("timeline") }));
    view.appendChild(timeline(utts));
    var body = el("tbody");
    utts.forEach(function (u) {
      var tags = el("td", { "class": "tags" });
      (u[4] || []).forEach(function (g) {
        var cls = g === "interruption" ? "tag interruption" : (g.indexOf("long_pause_before:") === 0 ? "tag pause" : "tag");
        tags.appendChild(el("span", { "class": cls, text: g }));
      });
      var emo = u[5] ? u[5] + (u[6] !== null && u[6] !== undefined ? " (" + t("arousal_short") + fmt(u[6], 2) + ")" : "") : "–";
      body.appendChild(el("tr", { "class": "turn spk-" + SPK[u[0]] }, [
        el("td", { "class": "num", text: clock(u[1]) + "–" + clock(u[2]) }),
        el("td", { "class": "spk", text: t("speaker_" + SPK[u[0]]) }),
        el("td", { text: u[3] }), tags, el("td", { "class": "emo", text: emo })
      ]));
    });
    var head = el("tr", null, [el("th", { text: t("time") }), el("th", { text: "" }), el("th", { text: t("text") }),
      el("th", { text: t("tags") }), el("th", { text: t("emotion") })]);
    view.appendChild(el("table", { id: "turns" }, [el("thead", null, [head]), body]));
  }

  function route() {
    var h = window.location.hash || "";
    if (h.indexOf("#call=") === 0) {
      showCall(decodeURIComponent(h.slice(6)));
    } else if (document.body.classList.contains("show-call")) {
      document.body.classList.remove("show-call");
      var target = h.length > 1 ? document.getElementById(h.slice(1)) : null;
      if (target) { target.scrollIntoView(); }
    }
  }

  function renderAll() {
    var f = document.getElementById("calls-filter");
    if (f) { f.setAttribute("placeholder", t("filter")); }
    renderReview(); renderCalls(); route();
  }

  var toggle = document.getElementById("lang-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = lang() === "en" ? "ru" : "en";
      root.setAttribute("data-lang", next);
      root.setAttribute("lang", next);
      renderAll();
    });
  }
  var filter = document.getElementById("calls-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      state.filter = filter.value.trim();
      state.calls = 0;
      filtered = null;
      renderCalls();
    });
  }
  window.addEventListener("hashchange", route);
  renderAll();
  document.body.setAttribute("data-ready", "1");
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
