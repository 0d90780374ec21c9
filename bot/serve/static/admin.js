/* The admin page (bot/serve/admin.py). Every string from the server (file names, errors, summaries) is set with
 * textContent, never as HTML. The token stays in this tab's sessionStorage and goes in the Authorization
 * header of each call. */
(function () {
  "use strict";
  var KEY = "articlebot-admin-token";
  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem(KEY) || "";
  var polling = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function say(text, bad) {
    var p = el("p", bad ? "bad" : "ok", text);
    $("messages").appendChild(p);
    while ($("messages").children.length > 8) $("messages").removeChild($("messages").firstChild);
  }

  async function call(method, path, body) {
    var opts = { method: method, headers: { Authorization: "Bearer " + token } };
    if (body !== undefined) opts.body = body;
    var r = await fetch(path, opts);
    var data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    if (r.status === 401) { signOut("The token was not accepted."); throw new Error("unauthorised"); }
    if (!r.ok) throw new Error((data && data.error) || ("HTTP " + r.status));
    return data;
  }

  function signOut(msg) {
    token = "";
    sessionStorage.removeItem(KEY);
    $("token").value = "";
    $("app").hidden = true;
    $("sign-out").hidden = true;
    $("login").hidden = false;
    $("login-msg").textContent = msg || "";
  }

  function when(ts) {
    if (!ts) return "";
    var d = new Date(ts * 1000);
    return d.toLocaleString();
  }

  function row(doc) {
    var tr = el("tr");
    tr.setAttribute("data-source", doc.source);
    tr.appendChild(el("td", "name", doc.source));
    tr.appendChild(el("td", null, doc.type));
    tr.appendChild(el("td", "num chunks", doc.chunks));
    tr.appendChild(el("td", "num entries", doc.faq_entries));
    tr.appendChild(el("td", null, when(doc.ingested)));
    var st = el("td", "status", doc.status);
    if (doc.error) st.appendChild(el("span", "err", doc.error));
    tr.appendChild(st);
    var act = el("td");
    if (doc.status !== "removed") {
      var re = el("button", "reingest", "Re-ingest");
      re.type = "button";
      re.addEventListener("click", function () { reingest(doc.source); });
      var del = el("button", "delete", "Delete");
      del.type = "button";
      del.setAttribute("aria-label", "Delete " + doc.source);
      del.addEventListener("click", function () { remove(doc.source); });
      act.appendChild(re);
      act.appendChild(del);
    }
    tr.appendChild(act);
    return tr;
  }

  async function refresh() {
    var data = await call("GET", "/api/admin/documents");
    var tb = $("docs").querySelector("tbody");
    tb.textContent = "";
    data.documents.forEach(function (d) { tb.appendChild(row(d)); });
    $("limits").textContent = "Types: " + data.types.join(", ") + ". At most " + data.max_upload_mb + " MB a file.";
    showSync(data.sync);
  }

  function showSync(s) {
    if (!s) return;
    var bar = $("sync-bar");
    $("sync-cancel").hidden = !s.running || !!s.cancelling;
    if (s.running) {
      bar.hidden = false;
      var total = s.stage === "embedding" ? s.texts_total : s.files_total;
      var done = s.stage === "embedding" ? s.texts_done : s.files_done;
      bar.max = Math.max(1, total || 1);
      bar.value = Math.min(done || 0, bar.max);
      $("sync-state").textContent = (s.cancelling ? "Cancelling: " : "Syncing: ") + (s.stage || "") + " " + (s.files_done || 0) + " / " +
        (s.files_total || 0) + " files, " + (s.texts_done || 0) + " / " + (s.texts_total || 0) + " texts";
      if (!polling) polling = setInterval(poll, 500);
    } else {
      bar.hidden = true;
      $("sync-state").textContent = s.cancelled ? "Sync cancelled: the index is as it was before it." :
        s.error ? ("Sync failed: " + s.error) : (s.summary ? ("Last sync: " + s.summary) : "");
      if (polling) { clearInterval(polling); polling = null; refresh(); }
    }
  }

  async function poll() {
    try { showSync(await call("GET", "/api/admin/sync")); } catch (e) { /* shown by call */ }
  }

  async function upload(fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    if (!files.length) return;
    var form = new FormData();
    files.forEach(function (f) { form.append("files", f, f.name); });
    try {
      var data = await call("POST", "/api/admin/documents", form);
      data.saved.forEach(function (s) { say("Uploaded " + s.name + (s.replaced ? " (replaced)" : "")); });
      data.rejected.forEach(function (r) { say(r.name + ": " + r.reason, true); });
      showSync(data.sync);
      await refresh();
    } catch (e) { say("Upload failed: " + e.message, true); }
  }

  async function remove(source) {
    if (!window.confirm("Delete " + source + " from the corpus folder? The bot stops answering from it.")) return;
    try {
      var data = await call("DELETE", "/api/admin/documents/" + encodeURIComponent(source));
      say("Deleted " + source);
      showSync(data.sync);
      await refresh();
    } catch (e) { say("Delete failed: " + e.message, true); }
  }

  async function reingest(source) {
    try {
      var data = await call("POST", "/api/admin/documents/" + encodeURIComponent(source) + "/reingest");
      say("Re-ingesting " + source);
      showSync(data.sync);
    } catch (e) { say("Re-ingest failed: " + e.message, true); }
  }

  // -- the knowledge-gap report (bot/insights/report.py) ---------------------------------------------------------------
  var SVGNS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text != null) e.textContent = String(text);
    return e;
  }

  function niceStep(x) {
    var p = Math.pow(10, Math.floor(Math.log10(Math.max(1, x))));
    var m = x / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function chart(daily) {
    // per day: answered and abstained stacked, a count axis and date labels; every day of the period is there
    // (a day without questions is a gap at zero); drawn here, no library, no CDN
    var box = $("report-chart");
    box.textContent = "";
    var W = 640, H = 190, L = 40, R = 8, T = 8, B = 40;
    var n = Math.max(1, daily.length);
    var most = Math.max(1, Math.max.apply(null, daily.map(function (d) { return d.questions; })));
    var step = Math.max(1, niceStep(most / 4)), top = step * Math.ceil(most / step);
    var pw = W - L - R, ph = H - T - B, slot = pw / n, bw = Math.max(1, slot * 0.8);
    var up = 0, down = 0;
    daily.forEach(function (d) { up += d.up; down += d.down; });
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img",
      "aria-label": "Questions per day, " + daily.length + " days: " + daily.reduce(function (a, d) { return a + d.questions; }, 0) +
        " questions, " + up + " thumbs up, " + down + " thumbs down" });
    for (var y = 0; y <= top; y += step) {  // the count axis: grid lines and their numbers
      var yy = T + ph - (y / top) * ph;
      s.appendChild(svg("line", { x1: L, x2: W - R, y1: yy, y2: yy, stroke: y ? "#e4e4e4" : "#888", "class": "grid" }));
      s.appendChild(svg("text", { x: L - 4, y: yy + 3, "font-size": 10, "text-anchor": "end", "class": "ytick" }, y));
    }
    var every = Math.ceil(n / 8);
    daily.forEach(function (d, i) {
      var x = L + i * slot + (slot - bw) / 2;
      var ha = (d.answered / top) * ph, hb = (d.abstained / top) * ph;
      var g = svg("g", { "class": "day" });
      g.appendChild(svg("title", {}, d.day + ": " + d.questions + " questions, " + d.answered + " answered, " +
        d.abstained + " abstained, " + d.up + " up, " + d.down + " down"));
      g.appendChild(svg("rect", { x: x, y: T + ph - ha, width: bw, height: ha, fill: "#7fb8a4", "class": "bar" }));
      g.appendChild(svg("rect", { x: x, y: T + ph - ha - hb, width: bw, height: hb, fill: "#b3541e", "class": "bar-abstained" }));
      s.appendChild(g);
      if ((n - 1 - i) % every === 0) {  // counted back from the last day, which always has its date
        var last = i === n - 1 && n > 8;  // the right edge: the date ends there, not centred past it
        s.appendChild(svg("text", { x: L + i * slot + (last ? slot : slot / 2), y: T + ph + 13, "font-size": 10,
          "text-anchor": last ? "end" : "middle", "class": "xtick" }, d.day.slice(5)));
      }
    });
    s.appendChild(svg("rect", { x: L, y: H - 14, width: 9, height: 9, fill: "#7fb8a4" }));
    s.appendChild(svg("text", { x: L + 13, y: H - 6, "font-size": 10 }, "answered"));
    s.appendChild(svg("rect", { x: L + 75, y: H - 14, width: 9, height: 9, fill: "#b3541e" }));
    s.appendChild(svg("text", { x: L + 88, y: H - 6, "font-size": 10 }, "abstained"));
    s.appendChild(svg("text", { x: L + 160, y: H - 6, "font-size": 10 }, "\ud83d\udc4d " + up + "   \ud83d\udc4e " + down +
      " in the period; questions a day (" + daily.length + " days)"));
    box.appendChild(s);
  }

  function table(id, items, cols, actions) {
    var tb = $(id).querySelector("tbody");
    tb.textContent = "";
    items.forEach(function (x) {
      var tr = el("tr");
      cols.forEach(function (c) { tr.appendChild(el("td", c.cls || null, c.get(x))); });
      if (actions) tr.appendChild(actions(x));
      tb.appendChild(tr);
    });
  }

  // -- closing a gap from the report (bot/insights/answers.py) -------------------------------------------------------------
  var answering = null;

  function gapActions(x) {
    var td = el("td", "act");
    x.cell = td;
    if (x.answered) {  // answered or mapped since: what was done, and Dismiss to take the row away
      td.appendChild(el("span", "answered", "answered " + x.answered));
    }
    var a = el("button", "answer", "Answer");
    a.type = "button";
    a.setAttribute("aria-label", "Answer: " + x.question);
    a.addEventListener("click", function () { openAnswer(x); });
    if (x.answered) a.hidden = true;
    if (x.nearest && x.nearest.question && !x.answered) {  // "these wordings mean that entry": its other wordings
      var m = el("button", "map", "Same as nearest");
      m.type = "button";
      m.setAttribute("aria-label", "These wordings mean the entry: " + x.nearest.question);
      m.addEventListener("click", function () { mapGap(x); });
      td.appendChild(m);
    }
    var d = el("button", "dismiss", "Dismiss");
    d.type = "button";
    d.setAttribute("aria-label", "Dismiss: " + x.question);
    d.addEventListener("click", function () { dismissGap(x); });
    td.appendChild(a);
    td.appendChild(d);
    return td;
  }

  function openAnswer(x) {
    answering = x;
    $("answer-q").value = x.question;
    var others = x.examples.filter(function (w) { return w !== x.question; });
    $("answer-wordings").textContent = others.length ? "Also asked as: " + others.join(" · ") : "";
    $("answer-text").value = "";
    $("answer-form").hidden = false;
    $("answer-text").focus();
  }

  async function saveAnswer(ev) {
    ev.preventDefault();
    if (!answering) return;
    var body = { question: $("answer-q").value, answer: $("answer-text").value,
                 wordings: answering.examples.filter(function (w) { return w !== $("answer-q").value; }) };
    try {
      var data = await call("POST", "/api/admin/answers", JSON.stringify(body));
      say("Saved the answer to " + data.saved.file + ": " + data.saved.question);
      $("answer-form").hidden = true;
      if (answering.cell) {  // said where the owner is looking: the row itself
        answering.cell.replaceChildren(el("span", "answered", "answered just now: " + data.saved.file));
        answering.cell.scrollIntoView({ block: "nearest" });
      }
      answering = null;
      showSync(data.sync);
    } catch (e) { say("Saving the answer failed: " + e.message, true); }
  }

  async function mapGap(x) {
    if (!window.confirm("Answer \u201c" + x.question + "\u201d and its other wordings with the entry \u201c" +
                        x.nearest.question + "\u201d (" + x.nearest.source + ")?")) return;
    try {
      var data = await call("POST", "/api/admin/answers/map", JSON.stringify(
        { source: x.nearest.source, entry_question: x.nearest.question, wordings: x.examples }));
      say("Added " + data.mapped.wordings.length + " wordings to \u201c" + data.mapped.question + "\u201d");
      if (x.cell) x.cell.replaceChildren(el("span", "answered", "answered just now: same as \u201c" + data.mapped.question + "\u201d"));
      showSync(data.sync);
    } catch (e) { say("Mapping failed: " + e.message, true); }
  }

  async function dismissGap(x) {
    if (!window.confirm("Leave \u201c" + x.question + "\u201d out of the report from now on?")) return;
    try {
      await call("POST", "/api/admin/gaps/dismiss", JSON.stringify({ question: x.question, wordings: x.examples }));
      say("Dismissed: " + x.question);
      await report();
    } catch (e) { say("Dismissing failed: " + e.message, true); }
  }

  async function report() {
    var since = $("report-since").value;
    var rep = await call("GET", "/api/admin/report?since=" + encodeURIComponent(since));
    var done = rep.gaps.filter(function (g) { return g.answered; }).length;
    // a row the bot declined at least once is a need the articles don't meet; the others it answered, unsure
    var open = rep.gaps.filter(function (g) { return !g.answered; });
    var declined = open.filter(function (g) { return g.abstained > 0; }).length;
    $("report-summary").textContent = rep.questions + " questions, " + rep.answered + " answered; " +
      declined + " needs the bot declined, " + (open.length - declined) + " it answered unsure" +
      (done ? " (and " + done + " answered since)" : "") + "; built in " + rep.seconds + " s";
    table("report-gaps", rep.gaps, [
      { cls: "num", get: function (x) { return x.people; } },
      { cls: "num", get: function (x) { return x.asked; } },
      { cls: "num", get: function (x) { return x.abstained ? x.abstained + " of " + x.asked : "none (answered unsure)"; } },
      { get: function (x) { return x.question; } },
      { get: function (x) { return x.examples.slice(1, 4).join(" · "); } },
      { get: function (x) { return x.nearest ? x.nearest.label : (x.nothing_close ? "nothing close" : ""); } },
    ], gapActions);
    table("report-down", rep.downvoted, [
      { cls: "num", get: function (x) { return x.asked; } },
      { get: function (x) { return x.question; } },
      { get: function (x) { return (x.answers[0] || "").slice(0, 300); } },
    ]);
    chart(rep.daily);
    var cited = $("report-cited");
    cited.textContent = "";
    rep.cited_documents.forEach(function (d) { cited.appendChild(el("li", null, d.source + ": " + d.answers)); });
    var never = $("report-never");
    never.textContent = "";
    rep.never_cited.forEach(function (s) { never.appendChild(el("li", null, s)); });
  }

  async function download(kind) {
    var since = $("report-since").value;
    var r = await fetch("/api/admin/report?format=" + kind + "&since=" + encodeURIComponent(since),
                        { headers: { Authorization: "Bearer " + token } });
    if (!r.ok) { say("Download failed: HTTP " + r.status, true); return; }
    var blob = await r.blob();
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = "knowledge-gaps." + kind;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // -- the widget's options, its tag and a live preview (/widget-preview) ---------------------------------------------
  var previewTimer = null;

  function widgetOptions() {
    var out = [];
    document.querySelectorAll("#widget-form [data-key]").forEach(function (f) {
      var v = String(f.value || "").trim();
      if (f.id === "w-color" && v.toLowerCase() === "#1d4ed8") v = "";  // the widget's own colour: no attribute
      if (v) out.push([f.getAttribute("data-key"), v]);
    });
    return out;
  }

  function quoteAttr(v) {
    return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  var WIDGET_KEY = "articlebot-admin-widget";  // the options chosen, kept in this browser for the next visit

  function restoreWidget() {
    var kept = {};
    try { kept = JSON.parse(localStorage.getItem(WIDGET_KEY) || "{}") || {}; } catch (e) { kept = {}; }
    document.querySelectorAll("#widget-form [data-key]").forEach(function (f) {
      var v = kept[f.getAttribute("data-key")];
      if (typeof v === "string") f.value = v;
    });
  }

  function showWidget() {
    var opts = widgetOptions();
    var keep = {};
    document.querySelectorAll("#widget-form [data-key]").forEach(function (f) { keep[f.getAttribute("data-key")] = f.value; });
    try { localStorage.setItem(WIDGET_KEY, JSON.stringify(keep)); } catch (e) { /* private mode: not kept */ }
    $("widget-tag").value = '<script src="' + location.origin + '/widget.js" defer' +
      opts.map(function (o) { return "\n        data-" + o[0] + '="' + quoteAttr(o[1]) + '"'; }).join("") + "></" + "script>";
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var q = new URLSearchParams();
      opts.forEach(function (o) { q.set(o[0], o[1]); });
      $("widget-preview").src = "/widget-preview?" + q.toString();
    }, 300);
  }

  async function enter() {
    try {
      await refresh();
      report().catch(function (e) { say("Report: " + e.message, true); });
      $("login").hidden = true;
      $("token").value = "";  // not left in the (hidden) form
      $("app").hidden = false;
      $("sign-out").hidden = false;
      restoreWidget();
      showWidget();
      $("login-msg").textContent = "";
    } catch (e) {
      if (e.message !== "unauthorised") $("login-msg").textContent = e.message;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("login").addEventListener("submit", function (ev) {
      ev.preventDefault();
      token = $("token").value;
      sessionStorage.setItem(KEY, token);
      enter();
    });
    $("files").addEventListener("change", function (ev) { upload(ev.target.files); ev.target.value = ""; });
    $("pick").addEventListener("click", function () { $("files").click(); });  // a button: keyboard users too
    $("drop").addEventListener("keydown", function (ev) {  // Enter or Space on the drop zone opens the picker
      if (ev.target === $("drop") && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); $("files").click(); }
    });
    var drop = $("drop");
    ["dragenter", "dragover"].forEach(function (t) {
      drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (ev) { upload(ev.dataTransfer && ev.dataTransfer.files); });
    $("sync").addEventListener("click", async function () {
      try { showSync((await call("POST", "/api/admin/sync")).sync); } catch (e) { say("Sync failed: " + e.message, true); }
    });
    $("sync-cancel").addEventListener("click", async function () {
      try { showSync((await call("POST", "/api/admin/sync/cancel")).sync); } catch (e) { say("Cancel failed: " + e.message, true); }
    });
    $("report-go").addEventListener("click", function () { report().catch(function (e) { say("Report: " + e.message, true); }); });
    $("report-csv").addEventListener("click", function () { download("csv"); });
    $("answer-form").addEventListener("submit", saveAnswer);
    $("answer-cancel").addEventListener("click", function () { $("answer-form").hidden = true; answering = null; });
    $("sign-out").addEventListener("click", function () { signOut("Signed out."); });
    $("widget-form").addEventListener("input", showWidget);
    $("widget-form").addEventListener("change", showWidget);
    $("widget-form").addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("widget-copy").addEventListener("click", function () {
      $("widget-tag").select();
      var done = function () { say("The tag is copied: paste it into your site's pages."); };
      if (navigator.clipboard) navigator.clipboard.writeText($("widget-tag").value).then(done, function () {});
      else { document.execCommand("copy"); done(); }
    });
    $("report-json").addEventListener("click", function () { download("json"); });
    if (token) enter();
  });
})();
