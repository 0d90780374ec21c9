/* The admin page (bot/admin.py). Every string from the server (file names, errors, summaries) is set with
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
    $("app").hidden = true;
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
    if (s.running) {
      bar.hidden = false;
      var total = s.stage === "embedding" ? s.texts_total : s.files_total;
      var done = s.stage === "embedding" ? s.texts_done : s.files_done;
      bar.max = Math.max(1, total || 1);
      bar.value = Math.min(done || 0, bar.max);
      $("sync-state").textContent = "Syncing: " + (s.stage || "") + " " + (s.files_done || 0) + " / " +
        (s.files_total || 0) + " files, " + (s.texts_done || 0) + " / " + (s.texts_total || 0) + " texts";
      if (!polling) polling = setInterval(poll, 500);
    } else {
      bar.hidden = true;
      $("sync-state").textContent = s.error ? ("Sync failed: " + s.error) : (s.summary ? ("Last sync: " + s.summary) : "");
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

  async function enter() {
    try {
      await refresh();
      $("login").hidden = true;
      $("app").hidden = false;
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
    if (token) enter();
  });
})();
