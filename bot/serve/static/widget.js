/*! articlebot chat widget — one tag, no build step, no external requests.
 *
 *   <script src="https://YOUR-BOT-HOST/widget.js" defer
 *           data-title="Ask the articles" data-color="#0b6e4f" data-position="right"
 *           data-starters="Which leaders will Zelensky meet?|What security guarantees are being considered?"></script>
 *
 * Options (all optional): data-title, data-color (any CSS colour), data-position ("right" | "left"),
 * data-starters (questions separated by "|"), data-open ("true" opens the panel on load),
 * data-api (API base URL; default: the origin this script was loaded from).
 *
 * Everything lives in an open Shadow DOM: the host page's CSS does not reach in, ours does not leak out.
 * Security: every string that comes from a user, an answer, a quote, a source or a suggestion is inserted
 * with textContent / createTextNode only. innerHTML is never used.
 */
(function () {
  "use strict";

  if (window.__articlebotWidget) return; // one widget per page, even if the tag is included twice
  window.__articlebotWidget = true;

  var script =
    document.currentScript ||
    (function () {
      var all = document.querySelectorAll('script[src*="widget.js"]');
      return all.length ? all[all.length - 1] : null;
    })();
  if (!script) return;

  var MAX_CHARS = 2000;
  var MAX_TURNS = 6; // earlier turns sent as history
  var TIMEOUT_MS = 60000;
  var SVGNS = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: "M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2zM6 9h12v2H6V9zm8 5H6v-2h8v2zm4-6H6V6h12v2z",
    close:
      "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
    send: "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z",
    restart:
      "M17.65 6.35A7.96 7.96 0 0 0 12 4c-4.42 0-7.99 3.58-7.99 8s3.57 8 7.99 8c3.73 0 6.84-2.55 7.73-6h-2.08A5.99 5.99 0 0 1 12 18c-3.31 0-6-2.69-6-6s2.69-6 6-6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z",
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    down: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z",
    info: "M11 7h2v2h-2zm0 4h2v6h-2zm1-9C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z",
    warn: "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z",
  };

  // ---------------------------------------------------------------- options
  // the server's defaults (BOT_WIDGET), then the tag's own data-* attributes over them
  var DEFAULTS = /*@DEFAULTS@*/ null;
  function attr(name) {
    var v = script.getAttribute("data-" + name);
    if (v == null && DEFAULTS && typeof DEFAULTS[name] === "string") v = DEFAULTS[name];
    return v == null ? "" : String(v).trim();
  }
  // ---------------------------------------------------------------- words
  // The widget's words in English, German, French and Spanish: the server fills in bot/answers/messages.json's
  // "ui_" entries (one catalogue with the bot's own answers). The panel speaks the page's language (data-lang,
  // else <html lang>, else the browser's); each answer's labels ("Sources", "Was this helpful?") the answer's.
  var CATALOGUE = /*@CATALOGUE@*/ null;
  function langOf(tag) {
    var m = /^([a-z]{2})(?:[-_]|$)/i.exec(String(tag || "").trim());
    var l = m ? m[1].toLowerCase() : "";
    return CATALOGUE && CATALOGUE[l] ? l : "";
  }
  var UI_LANG =
    langOf(attr("lang")) ||
    langOf(document.documentElement.getAttribute("lang")) ||
    langOf((navigator.languages && navigator.languages[0]) || navigator.language) ||
    "en";
  function T(key, lang) {
    var l = langOf(lang) || UI_LANG;
    var cat = CATALOGUE || {};
    return (cat[l] && cat[l]["ui_" + key]) || (cat.en && cat.en["ui_" + key]) || key;
  }
  // a catalogue text with its {name} fields filled in
  function Tf(key, vars) {
    return T(key).replace(/\{(\w+)\}/g, function (m, k) {
      return vars && k in vars ? String(vars[k]) : m;
    });
  }
  var opts = {
    title: (attr("title") || attr("name") || T("title")).slice(0, 80),
    name: attr("name").slice(0, 40),
    welcome: attr("welcome").slice(0, 600),
    launcher: attr("launcher").slice(0, 40),
    subtitle: attr("subtitle").slice(0, 120), // the line under the title (the catalogue's by default)
    placeholder: attr("placeholder").slice(0, 120), // the input's hint (the catalogue's by default)
    theme: /^(dark|auto)$/i.test(attr("theme")) ? attr("theme").toLowerCase() : "light",
    logo: (function () {  // an image the site owner names: http(s) only, never a script or data URL
      try {
        var u = attr("logo") ? new URL(attr("logo"), document.baseURI) : null;
        return u && /^https?:$/.test(u.protocol) ? u.href : "";
      } catch (e) {
        return "";
      }
    })(),
    color: attr("color"),
    position: attr("position").toLowerCase() === "left" ? "left" : "right",
    starters: attr("starters")
      .split("|")
      .map(function (s) {
        return s.trim();
      })
      .filter(function (s) {
        return s && s.length <= MAX_CHARS;
      })
      .slice(0, 6),
    open: attr("open").toLowerCase() === "true",
    openLarge: attr("open").toLowerCase() === "large", // opened on a first visit, on a large screen only
  };
  if (!opts.color || !(window.CSS && CSS.supports && CSS.supports("color", opts.color))) opts.color = "#1d4ed8";
  var API = (function () {
    try {
      var custom = attr("api");
      if (custom) return new URL(custom, document.baseURI).href.replace(/\/+$/, "");
      return new URL(script.src, document.baseURI).origin;
    } catch (e) {
      return "";
    }
  })();

  // ---------------------------------------------------------------- styles (constant text, no data)
  // the dark theme: the same rules for data-theme="dark" and, on a dark system, for "auto"
  var DARK = [
    "% .panel{background:#111827;color:#e5e7eb;box-shadow:0 12px 40px rgba(0,0,0,.6),0 0 0 1px rgba(255,255,255,.08);}",
    "% .log{background:#0b1220;}",
    "% .welcome,% .chips-h,% .sources-h,% .src-file,% .src-sec,% .src-snip,% .aside,% .notice,% .fb{color:#aab4c0;}",
    "% .bot .bub{background:#1f2937;color:#e5e7eb;border-color:#374151;}",
    "% .abstain .bub{background:#2a2312;border-color:#5c4a1e;}",
    "% .error .bub{background:#2a1313;border-color:#5c2323;color:#fecaca;}",
    "% .quote{background:#0f172a;color:#e5e7eb;}",  // (its light theme's dark grey text was 1.6:1 here: a probe)
    "% summary:hover,% summary:focus-visible{background:#1f2937;}",
    "% .src-open{color:#93c5fd;}",
    "% .chip{background:#111827;color:#e5e7eb;}",
    "% .chip:hover:not(:disabled){background:#1e293b;}",
    "% .composer{background:#111827;border-top-color:#374151;}",
    "% .composer textarea{background:#0b1220;color:#e5e7eb;border-color:#374151;}",
    "% .fb .iconbtn:hover:not(:disabled),% .fb .iconbtn[aria-pressed=true]{background:#1f2937;color:#e5e7eb;}",
    "% .copy{color:#aab4c0;border-color:#374151;}",
    "% .cite,% a.cite,% .src-title,% .chip{color:#93c5fd;}",  // the accent on dark grey is too dim to read
  ];
  var CSS_TEXT = [
    ":host{all:initial !important;display:block !important;position:static !important;}",
    ".root{all:initial;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Liberation Sans',sans-serif;",
    "font-size:14px;line-height:1.5;color:#1f2933;-webkit-font-smoothing:antialiased;",
    "--ab-accent:#1d4ed8;--ab-on-accent:#fff;--ab-ink:#1d4ed8;}",
    ".root *,.root *::before,.root *::after{box-sizing:border-box;}",
    "button,textarea{font:inherit;color:inherit;letter-spacing:normal;}",
    "button{cursor:pointer;}",
    "button:disabled{cursor:default;}",
    ":focus{outline:none;}",
    ":focus-visible{outline:3px solid var(--ab-ink);outline-offset:2px;}",
    "svg{display:block;fill:currentColor;flex:none;}",
    // launcher bubble
    ".bubble{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;padding:0;margin:0;",
    "display:flex;align-items:center;justify-content:center;background:var(--ab-accent);color:var(--ab-on-accent);",
    "box-shadow:0 6px 20px rgba(15,23,42,.28);z-index:2147483000;transition:transform .15s ease;}",
    ".bubble:hover{transform:scale(1.06);}",
    ".bubble:focus-visible{outline-color:#111827;outline-offset:3px;}",
    ".right .bubble{right:20px;}.left .bubble{left:20px;}",
    // panel
    ".panel{position:fixed;bottom:88px;width:380px;max-width:calc(100vw - 24px);height:600px;max-height:calc(100vh - 108px);",
    "display:flex;flex-direction:column;background:#fff;color:#1f2933;border-radius:14px;overflow:hidden;",
    "box-shadow:0 12px 40px rgba(15,23,42,.25),0 0 0 1px rgba(15,23,42,.06);z-index:2147483001;}",
    ".panel[hidden]{display:none;}",
    ".right .panel{right:20px;}.left .panel{left:20px;}",
    ".head{display:flex;align-items:center;gap:8px;padding:12px 10px 12px 16px;background:var(--ab-accent);color:var(--ab-on-accent);flex:none;}",
    ".title{flex:1;min-width:0;margin:0;font-size:16px;font-weight:650;line-height:1.3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;}",
    ".sub{display:block;font-size:12px;font-weight:400;opacity:.9;}",
    ".iconbtn{display:flex;align-items:center;justify-content:center;width:34px;height:34px;border:0;border-radius:8px;",
    "background:transparent;color:inherit;padding:0;margin:0;}",
    ".iconbtn:hover{background:rgba(255,255,255,.18);}",
    ".head .iconbtn:focus-visible{outline-color:var(--ab-on-accent);outline-offset:-2px;}",
    // messages
    ".log{position:relative;flex:1;overflow-y:auto;padding:14px 14px 6px;background:#f6f7f9;overscroll-behavior:contain;}",
    ".welcome{margin:2px 2px 12px;color:#3e4c59;}",
    ".welcome p{margin:0 0 10px;}",
    ".msg{margin:0 0 12px;display:flex;flex-direction:column;}",
    ".msg.user{align-items:flex-end;}",
    ".bub{max-width:88%;padding:9px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;}",
    ".user .bub{background:var(--ab-accent);color:var(--ab-on-accent);border-bottom-right-radius:4px;}",
    ".bot .bub{background:#fff;color:#1f2933;border:1px solid #e3e7ec;border-bottom-left-radius:4px;max-width:100%;}",
    ".bot .bub p{margin:0 0 8px;}.bot .bub p:last-child{margin-bottom:0;}",
    ".bot .bub ul{margin:0 0 8px;padding-left:20px;}",
    ".cite{color:var(--ab-ink);font-weight:650;font-size:12px;white-space:nowrap;}",
    "a.cite{color:var(--ab-accent);text-decoration:none;border-radius:4px;}",
    "a.cite:hover,a.cite:focus-visible{text-decoration:underline;}",
    ".abstain .bub{background:#fffaf0;border-color:#f3dfb6;}",
    ".status{display:flex;gap:8px;align-items:flex-start;}",
    ".status svg{width:18px;height:18px;margin-top:1px;}",
    ".abstain .status svg{color:#b7791f;}",
    ".error .bub{background:#fff5f5;border-color:#f5c2c2;color:#8a1c1c;}",
    ".error .status svg{color:#c53030;}",
    // sources
    ".sources{margin-top:10px;padding-top:8px;border-top:1px solid #edf0f3;}",
    ".sources-h{font-size:12px;font-weight:650;text-transform:uppercase;letter-spacing:.04em;color:#52606d;margin:0 0 4px;}",
    ".src-list{list-style:none;margin:0;padding:0;}",
    ".src-list li{margin:0 0 4px;}",
    "details{border-radius:8px;}",
    "summary{display:flex;gap:8px;align-items:flex-start;padding:5px 6px;border-radius:8px;cursor:pointer;list-style:none;}",
    "summary::-webkit-details-marker{display:none;}",
    "summary:hover{background:#f1f4f8;}",
    ".src-n{flex:none;min-width:22px;height:20px;padding:0 5px;border-radius:10px;background:var(--ab-accent);color:var(--ab-on-accent);",
    "font-size:12px;font-weight:650;display:flex;align-items:center;justify-content:center;margin-top:1px;}",
    ".src-meta{flex:1;min-width:0;display:flex;flex-direction:column;white-space:normal;}",
    ".src-doc-h{display:flex;flex-direction:column;padding:2px 6px;}",
    ".src-title{font-weight:650;font-size:13px;overflow-wrap:anywhere;}",
    ".src-file{font-size:12px;color:#52606d;overflow-wrap:anywhere;}",
    ".src-quotes{list-style:none;margin:0;padding:0;}",
    ".src-sec{font-size:12px;color:#52606d;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;}",
    ".src-snip{font-size:12px;color:#52606d;font-style:italic;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;}",
    ".chev{flex:none;font-size:12px;color:#7b8794;margin-top:2px;transition:transform .15s ease;}",
    "details[open] .chev{transform:rotate(90deg);}",
    ".quote{margin:4px 6px 8px 36px;padding:6px 10px;border-left:3px solid var(--ab-accent);background:#f8fafc;",
    "color:#323f4b;font-size:13px;white-space:pre-wrap;overflow-wrap:anywhere;}",
    ".src-open{display:inline-block;margin:0 6px 8px 36px;font-size:12px;color:var(--ab-accent);}",
    ".handoff{display:inline-block;margin:8px 0 2px;padding:6px 12px;border-radius:999px;border:1px solid var(--ab-accent);",
    "color:var(--ab-accent);font-size:13px;text-decoration:none;}",
    // suggestions / starters
    ".chips-h{margin:10px 0 6px;font-size:13px;color:#52606d;}",
    ".chips{display:flex;flex-direction:column;gap:6px;align-items:stretch;}",
    ".chip{display:block;text-align:left;width:100%;padding:8px 11px;border-radius:10px;border:1px solid #cdd5df;",
    "background:#fff;color:var(--ab-ink);line-height:1.35;margin:0;white-space:normal;overflow-wrap:anywhere;}",
    ".chip:hover:not(:disabled){background:#f1f5ff;border-color:var(--ab-ink);}",
    ".chip:disabled{opacity:.55;}",
    // feedback
    ".fb{display:flex;align-items:center;gap:4px;margin-top:6px;padding-left:2px;color:#616e7c;font-size:12px;min-height:30px;}",
    ".fb-label{margin-right:2px;}",
    ".fb .iconbtn{width:30px;height:30px;color:#7b8794;border-radius:6px;}",
    ".fb .iconbtn svg{width:16px;height:16px;}",
    ".fb .iconbtn:hover:not(:disabled){background:#e9edf2;color:#323f4b;}",
    ".fb .iconbtn[aria-pressed=true]{color:var(--ab-ink);background:#e9edf2;}",
    ".fb-thanks{color:#2f855a;font-weight:600;}",
    ".retry{margin-top:8px;padding:5px 12px;border-radius:8px;border:1px solid #e0a8a8;background:#fff;color:#8a1c1c;}",
    // typing
    ".typing{display:inline-flex;gap:4px;padding:4px 2px;}",
    ".typing span{width:7px;height:7px;border-radius:50%;background:#9aa5b1;animation:ab-blink 1.2s infinite ease-in-out;}",
    ".typing span:nth-child(2){animation-delay:.2s;}.typing span:nth-child(3){animation-delay:.4s;}",
    "@keyframes ab-blink{0%,80%,100%{opacity:.25;}40%{opacity:1;}}",
    "@media (prefers-reduced-motion: reduce){.typing span{animation:none;opacity:.6;}.bubble,.chev{transition:none;}}",
    // composer
    ".composer{flex:none;border-top:1px solid #e3e7ec;background:#fff;padding:10px 12px;}",
    ".row{display:flex;gap:8px;align-items:flex-end;}",
    "textarea{flex:1;min-width:0;resize:none;height:42px;max-height:120px;padding:10px 12px;border:1px solid #cbd2d9;border-radius:10px;",
    "background:#fff;color:#1f2933;font-size:14px;line-height:20px;margin:0;display:block;overflow-y:auto;}",
    "textarea::placeholder{color:#7b8794;opacity:1;}",
    "textarea:focus-visible{outline:2px solid var(--ab-ink);outline-offset:0;border-color:transparent;}",
    ".send{flex:none;width:42px;height:42px;border:0;border-radius:10px;background:var(--ab-accent);color:var(--ab-on-accent);",
    "display:flex;align-items:center;justify-content:center;padding:0;margin:0;}",
    ".send:disabled{opacity:.5;}",
    ".send svg{width:20px;height:20px;}",
    ".notice{margin:0 2px;font-size:12px;color:#616e7c;display:flex;justify-content:space-between;gap:8px;}",
    ".notice.has{margin-top:6px;}",
    ".notice .warn{color:#b42318;font-weight:600;}",
    ".aside{margin-top:8px;font-size:12px;line-height:1.45;color:#52606d;}",
    ".aside-h{font-weight:600;}",
    ".aside.unsupported{border-top:1px dashed #e4e7eb;padding-top:6px;}",
    ".unsupported .aside-t{color:#8a4b00;}",
    ".count{margin-left:auto;white-space:nowrap;}",
    ".count.over{color:#b42318;font-weight:600;}",
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;}",
    // phones: the panel takes the whole screen
    "@media (max-width:480px){",
    ".panel{left:0 !important;right:0 !important;top:0;bottom:0;width:100%;max-width:100%;height:100%;max-height:100%;border-radius:0;}",
    ".root.is-open .bubble{display:none;}",
    ".bub{max-width:92%;}",
    "}",
    // the site owner's options: a labelled launcher, a logo, the copy button
    ".bubble.labelled{width:auto;border-radius:28px;padding:0 18px 0 14px;gap:8px;}",
    ".launch-label{font-size:15px;font-weight:600;white-space:nowrap;}",
    ".logo{width:28px;height:28px;border-radius:6px;object-fit:contain;flex:none;background:rgba(255,255,255,.9);}",
    ".copy{margin-top:6px;margin-right:6px;padding:2px 10px;border-radius:8px;border:1px solid #d6dbe1;background:none;",
    "font-size:12px;color:#52606d;}",
  ].join("") +
    DARK.map(function (r) { return r.replace(/%/g, ".dark"); }).join("") +
    "@media (prefers-color-scheme:dark){" + DARK.map(function (r) { return r.replace(/%/g, ".auto"); }).join("") + "}";

  // ---------------------------------------------------------------- DOM helpers (text only)
  // one id per conversation: the server's conversation log groups this reader's questions by it (no cookie).
  // The conversation (its id, questions and answers) is kept in this tab's sessionStorage, so a reload or
  // another page of the same site goes on with it; "New conversation" starts a new one.
  function newConversationId() {
    return "w-" + Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
  }
  var CONVERSATION = newConversationId();
  var STORE_KEY = "articlebot:" + API;
  var MAX_STORED = 30; // turns kept across reloads
  function loadState() {
    try {
      var s = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (s && typeof s.id === "string" && /^w-[a-z0-9]{4,40}$/.test(s.id) && Array.isArray(s.turns)) return s;
    } catch (e) {
      /* storage off (privacy mode) or a bad value: a fresh conversation */
    }
    return null;
  }
  function saveState(state) {
    for (var tries = 0; tries < 4; tries++) {
      try {
        if (state === null) window.sessionStorage.removeItem(STORE_KEY);
        else window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
        return;
      } catch (e) {
        if (!state || state.turns.length < 2) return; // storage off or full: the page still works without it
        state.turns = state.turns.slice(Math.ceil(state.turns.length / 2)); // full: keep the newer half
      }
    }
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function icon(name, size) {
    var s = document.createElementNS(SVGNS, "svg");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("width", String(size || 24));
    s.setAttribute("height", String(size || 24));
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    var p = document.createElementNS(SVGNS, "path");
    p.setAttribute("d", ICONS[name]);
    s.appendChild(p);
    return s;
  }
  function iconButton(name, label, cls) {
    var b = el("button", "iconbtn" + (cls ? " " + cls : ""));
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.appendChild(icon(name, 20));
    return b;
  }
  function fmt(n) {
    try {
      return Number(n).toLocaleString(UI_LANG || "en");
    } catch (e) {
      return String(n);
    }
  }
  function isStr(x) {
    return typeof x === "string";
  }

  // Answer text: paragraphs, "- " bullet lines, and [n] markers as spans. Nothing else is interpreted:
  // markdown links, HTML and the like stay literal text.
  function appendInline(parent, text) {
    var re = /\[(\d{1,3})\]/g;
    var last = 0;
    var m;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var c = el("span", "cite", "[" + m[1] + "]");
      c.setAttribute("data-n", m[1]);
      parent.appendChild(c);
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function renderText(container, text) {
    var blocks = String(text).replace(/\r\n?/g, "\n").split(/\n{2,}/);
    blocks.forEach(function (block) {
      if (!block.trim()) return;
      var lines = block.split("\n");
      var isList = lines.every(function (l) {
        return /^\s*[-*•]\s+/.test(l) || !l.trim();
      });
      if (isList) {
        var ul = el("ul");
        lines.forEach(function (l) {
          if (!l.trim()) return;
          var li = el("li");
          appendInline(li, l.replace(/^\s*[-*•]\s+/, ""));
          ul.appendChild(li);
        });
        container.appendChild(ul);
      } else {
        var p = el("p");
        appendInline(p, block.trim());
        container.appendChild(p);
      }
    });
  }

  function accentTextColor(rgb) {
    var m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(rgb || "");
    if (!m) return { on: "#fff", light: false };
    var ch = [m[1], m[2], m[3]].map(function (v) {
      v = Number(v) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var L = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    // contrast with white vs with near-black text
    return (1.05 / (L + 0.05) >= (L + 0.05) / 0.05) ? { on: "#fff", light: false } : { on: "#111827", light: true };
  }

  // ---------------------------------------------------------------- the widget
  function init() {
    if (document.querySelector("articlebot-widget")) return;
    var host = document.createElement("articlebot-widget");
    host.setAttribute("data-articlebot", "");
    var shadow = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = CSS_TEXT;
    shadow.appendChild(style);

    var root = el("div", "root " + opts.position + " " + opts.theme);
    root.setAttribute("lang", UI_LANG); // the panel's own words; each answer carries its own lang
    shadow.appendChild(root);
    document.body.appendChild(host);

    // colours: the accent is validated by CSS.supports; text on it is white or black, whichever reads better
    root.style.setProperty("--ab-accent", opts.color);
    var probe = el("span");
    probe.style.color = opts.color;
    root.appendChild(probe);
    var tone = accentTextColor(getComputedStyle(probe).color);
    root.removeChild(probe);
    root.style.setProperty("--ab-on-accent", tone.on);
    root.style.setProperty("--ab-ink", tone.light ? "color-mix(in srgb, " + opts.color + " 45%, #000)" : opts.color);

    var uid = "ab" + Math.random().toString(36).slice(2, 8);

    // launcher
    var bubble = el("button", "bubble");
    bubble.type = "button";
    bubble.setAttribute("aria-label", T("open") + ": " + opts.title);
    bubble.setAttribute("aria-expanded", "false");
    bubble.setAttribute("aria-controls", uid + "-panel");
    bubble.appendChild(icon("chat", 26));
    if (opts.launcher) {  // a label beside the button: a pill instead of a round button
      bubble.classList.add("labelled");
      bubble.appendChild(el("span", "launch-label", opts.launcher));
    }

    // panel
    var panel = el("section", "panel");
    panel.id = uid + "-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", opts.title);

    var head = el("div", "head");
    if (opts.logo) {
      var logo = el("img", "logo");
      logo.src = opts.logo;
      logo.alt = "";
      logo.referrerPolicy = "no-referrer";
      logo.addEventListener("error", function () { logo.remove(); });
      head.appendChild(logo);
    }
    var title = el("h2", "title", opts.title);
    title.id = uid + "-title";
    title.appendChild(el("span", "sub", opts.subtitle || T("sub")));
    var restart = iconButton("restart", T("new"));
    var close = iconButton("close", T("close"));
    head.appendChild(title);
    head.appendChild(restart);
    head.appendChild(close);

    var log = el("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", T("conversation"));
    log.tabIndex = 0;

    var composer = el("form", "composer");
    composer.setAttribute("novalidate", "");
    var row = el("div", "row");
    var input = el("textarea");
    input.id = uid + "-q";
    input.rows = 1;
    input.maxLength = MAX_CHARS;
    input.placeholder = opts.placeholder || T("placeholder");
    input.setAttribute("aria-label", T("your_question"));
    input.setAttribute("aria-describedby", uid + "-notice");
    input.setAttribute("enterkeyhint", "send");
    input.autocomplete = "off";
    var send = el("button", "send");
    send.type = "submit";
    send.setAttribute("aria-label", T("send"));
    send.title = T("send");
    send.appendChild(icon("send", 20));
    row.appendChild(input);
    row.appendChild(send);
    var notice = el("div", "notice");
    notice.id = uid + "-notice";
    notice.setAttribute("aria-live", "polite");
    var noticeText = el("span", "note");
    var count = el("span", "count");
    notice.appendChild(noticeText);
    notice.appendChild(count);
    composer.appendChild(row);
    composer.appendChild(notice);

    panel.appendChild(head);
    panel.appendChild(log);
    panel.appendChild(composer);
    root.appendChild(panel);
    root.appendChild(bubble);

    // ------------------------------------------------------------ state
    var history = []; // [[question, answer], ...] of completed turns
    var stored = []; // [{q, a}] of completed turns, as the server sent them (kept in sessionStorage)
    var replaying = false;
    var pending = null; // the question in flight: kept too, so a reload while it is answered asks it again
    var busy = false;
    var current = null; // AbortController of the request in flight

    function setOpen(open, focus) {
      panel.hidden = !open;
      root.classList.toggle("is-open", open);
      bubble.setAttribute("aria-expanded", open ? "true" : "false");
      bubble.setAttribute("aria-label", (open ? T("close") : T("open")) + ": " + opts.title);
      bubble.replaceChildren(icon(open ? "close" : "chat", open ? 24 : 26));
      if (opts.launcher && !open) bubble.appendChild(el("span", "launch-label", opts.launcher));
      bubble.classList.toggle("labelled", !!opts.launcher && !open);
      if (open && focus !== false) input.focus();
      if (!open && focus !== false) bubble.focus();
    }
    bubble.addEventListener("click", function () {
      setOpen(panel.hidden);
      remember();
    });
    close.addEventListener("click", function () {
      setOpen(false);
      remember();
    });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        e.stopPropagation();
        setOpen(false);
      }
    });

    function nearBottom() {
      return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    }
    function scrollDown(force) {
      if (force || nearBottom()) log.scrollTop = log.scrollHeight;
    }
    // follow an answer as it grows, but keep its question in view when the answer is taller than the log
    function follow(m) {
      var u = m.previousElementSibling;
      var top = (u && u.classList.contains("user") ? u : m).offsetTop - 8;
      log.scrollTop = Math.max(0, Math.min(log.scrollHeight - log.clientHeight, top));
    }

    // ------------------------------------------------------------ composer: length limit, counter
    function setNotice(text, warn) {
      noticeText.textContent = text || "";
      noticeText.className = "note" + (warn ? " warn" : "");
      notice.classList.toggle("has", !!(noticeText.textContent || count.textContent));
    }
    function updateCount() {
      var n = input.value.length;
      count.textContent = n >= MAX_CHARS - 200 ? fmt(n) + " / " + fmt(MAX_CHARS) : "";
      count.className = "count" + (n > MAX_CHARS ? " over" : "");
      notice.classList.toggle("has", !!(noticeText.textContent || count.textContent));
      input.style.height = "42px";
      input.style.height = Math.min(120, Math.max(42, input.scrollHeight + 2)) + "px";
    }
    var tooLongShown = false;
    function tooLongMessage(n) {
      tooLongShown = true;
      return Tf("too_long", { n: fmt(n), max: fmt(MAX_CHARS) });
    }
    input.addEventListener("input", function () {
      if (input.value.length < MAX_CHARS && tooLongShown) {
        tooLongShown = false;
        setNotice("");
      }
      updateCount();
    });
    // maxlength silently drops the end of a long paste: cut it ourselves and say so
    input.addEventListener("paste", function (e) {
      var data = e.clipboardData && e.clipboardData.getData("text/plain");
      if (!isStr(data)) return;
      var start = input.selectionStart || 0;
      var end = input.selectionEnd || 0;
      var room = MAX_CHARS - (input.value.length - (end - start));
      if (data.length <= room) return;
      e.preventDefault();
      var kept = data.slice(0, Math.max(0, room));
      input.setRangeText(kept, start, end, "end");
      updateCount();
      setNotice(Tf("pasted_cut", { n: fmt(data.length), max: fmt(MAX_CHARS), kept: fmt(Math.max(0, room)) }), true);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    composer.addEventListener("submit", function (e) {
      e.preventDefault();
      submit();
    });
    function submit() {
      var q = input.value;
      if (!q.trim()) {
        setNotice(T("type_first"), true);
        return;
      }
      if (q.length > MAX_CHARS) {
        setNotice(tooLongMessage(q.length), true);
        return;
      }
      if (busy) {
        setNotice(T("wait"), true);
        return;
      }
      input.value = "";
      updateCount();
      ask(q);
    }
    restart.addEventListener("click", function () {
      if (current) current.abort();
      history = [];
      stored = [];
      pending = null;
      CONVERSATION = newConversationId();
      saveState(null);
      log.replaceChildren();
      renderWelcome();
      setNotice("");
      input.focus();
    });

    // ------------------------------------------------------------ messages
    function chips(items, label, cls) {
      var wrap = el("div", cls || "");
      if (label) wrap.appendChild(el("div", "chips-h", label));
      var list = el("div", "chips");
      items.forEach(function (q) {
        if (!isStr(q) || !q.trim()) return;
        var b = el("button", "chip", q);
        b.type = "button";
        b.addEventListener("click", function () {
          if (busy) {
            setNotice(T("wait"), true);
            return;
          }
          input.focus(); // the chip is removed or disabled while answering: keep the keyboard in the widget
          ask(q);
        });
        list.appendChild(b);
      });
      wrap.appendChild(list);
      return wrap;
    }
    function renderWelcome() {
      var w = el("div", "welcome");
      w.appendChild(el("p", null, opts.welcome || T("welcome")));
      if (opts.starters.length) w.appendChild(chips(opts.starters, T("try"), "starters"));
      else loadStarters(w);
      log.appendChild(w);
    }
    // no data-starters: the site's own questions to try, in the page's language (GET /api/starters)
    function loadStarters(w) {
      fetch(API + "/api/starters?lang=" + encodeURIComponent(UI_LANG), { credentials: "omit" })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (d) {
          var qs = d && Array.isArray(d.questions) ? d.questions.filter(isStr).slice(0, 6) : [];
          if (qs.length && w.isConnected && !w.querySelector(".starters") && !log.querySelector(".msg")) {
            w.appendChild(chips(qs, T("try"), "starters"));
          }
        })
        .catch(function () {
          /* no questions to try: the welcome alone */
        });
    }
    renderWelcome();

    function addUser(q) {
      var m = el("div", "msg user");
      var b = el("div", "bub", q);
      m.appendChild(el("span", "vh", T("you_asked")));
      m.appendChild(b);
      log.appendChild(m);
      scrollDown(true);
    }

    function status(kind, text) {
      var s = el("div", "status");
      s.appendChild(icon(kind === "error" ? "warn" : "info", 18));
      var t = el("div", "status-text", text);
      s.appendChild(t);
      return s;
    }

    function botTurn(question) {
      var m = el("div", "msg bot");
      m.setAttribute("aria-busy", "true");
      var b = el("div", "bub");
      var typing = el("span", "typing");
      typing.setAttribute("role", "status");
      typing.setAttribute("aria-label", T("answering"));
      typing.appendChild(el("span"));
      typing.appendChild(el("span"));
      typing.appendChild(el("span"));
      b.appendChild(typing);
      m.appendChild(b);
      log.appendChild(m);
      scrollDown(true);
      var streamed = null;
      var finished = false;

      return {
        get finished() {
          return finished;
        },
        delta: function (text) {
          if (finished || !isStr(text)) return;
          if (!streamed) {
            b.replaceChildren();
            streamed = el("p", "stream");
            b.appendChild(streamed);
          }
          streamed.appendChild(document.createTextNode(text));
          follow(m);
        },
        done: function (a) {
          if (finished) return;
          finished = true;
          m.removeAttribute("aria-busy");
          var text = isStr(a.answer) ? a.answer : "";
          var grounded = a.grounded === true;
          var social = a.turn === "smalltalk" || a.turn === "person"; // a greeting, thanks, a person wanted
          var ml = isStr(a.lang) && /^[a-z]{2}$/.test(a.lang) ? a.lang : "";
          if (ml) m.setAttribute("lang", ml);
          var cites = Array.isArray(a.citations) ? a.citations.filter(function (c) { return c && typeof c === "object"; }) : [];
          var sugg = Array.isArray(a.suggestions) ? a.suggestions.filter(isStr) : [];
          b.replaceChildren();
          var body = el("div", "answer");
          // the line that spells out where a person can be reached: the link below says it (not twice)
          var hh = a.handoff && typeof a.handoff === "object" ? a.handoff : {};
          var route = [hh.url, hh.email].filter(function (x) { return isStr(x) && x; }).join(" · ");
          var shownText = text;
          if (route) {
            var paras = text.split("\n\n");
            if (paras.length > 1 && paras[paras.length - 1].indexOf(route) >= 0) shownText = paras.slice(0, -1).join("\n\n");
          }
          if (grounded || social) {
            renderText(body, shownText);
            b.appendChild(body);
          } else {
            m.classList.add("abstain");
            var st = status("abstain", "");
            renderText(st.lastChild, shownText || (CATALOGUE && CATALOGUE[langOf(ml) || UI_LANG] || {}).abstain || "I couldn't find that in the articles.");
            b.appendChild(st);
          }
          if (grounded && cites.length) {
            linkMarkers(body, cites, ml);
            b.appendChild(sources(cites, ml));
          }
          // what the reader should know: sentences no passage supports, a model that could not be used,
          // and how a follow-up was understood (all text, never HTML)
          var unsupported = Array.isArray(a.unsupported) ? a.unsupported.filter(isStr) : [];
          if (grounded && unsupported.length) {
            var un = el("div", "aside unsupported");
            un.appendChild(el("div", "aside-h", T("unsupported", ml)));
            unsupported.forEach(function (u) { un.appendChild(el("div", "aside-t", u)); });
            b.appendChild(un);
          }
          if (isStr(a.note) && a.note) b.appendChild(el("div", "aside note-line", a.note));
          if (isStr(a.standalone_question) && a.standalone_question) {
            b.appendChild(el("div", "aside searched", T("understood", ml) + a.standalone_question));
          }
          if (isStr(a.follows_up) && a.follows_up) {
            var quoted = T("quoted", ml).replace("{text}", function () { return a.follows_up; }); // „…“ in German
            b.appendChild(el("div", "aside searched", T("follow_up", ml) + quoted));
          }
          // where a person can be reached (the operator's BOT_HANDOFF_URL / _EMAIL): a link, http(s) or mailto only
          var h = a.handoff && typeof a.handoff === "object" ? a.handoff : null;
          if (h && ((isStr(h.url) && /^https?:\/\//i.test(h.url)) || (isStr(h.email) && /^[^@\s]+@[^@\s]+$/.test(h.email)))) {
            var hl = el("a", "handoff", T("contact", ml));
            hl.href = isStr(h.url) && /^https?:\/\//i.test(h.url) ? h.url : "mailto:" + h.email;
            hl.target = "_blank";
            hl.rel = "noopener noreferrer";
            b.appendChild(hl);
          }
          if (social && sugg.length) b.appendChild(chips(sugg, "", "suggestions")); // the reply says what they are
          else if (!grounded && sugg.length) b.appendChild(chips(sugg, T("can_answer", ml), "suggestions"));
          if (grounded && !social) m.appendChild(copyButton(text, cites, ml));
          if (!social) m.appendChild(feedback(question, text, cites, ml));
          history.push([question, text]);
          if (!replaying) {
            stored.push({ q: question, a: a });
            if (stored.length > MAX_STORED) stored = stored.slice(-MAX_STORED);
            pending = null;
            remember();
          }
          follow(m);
        },
        error: function (msg, retry) {
          if (finished) return;
          finished = true;
          if (pending === question) {
            pending = null; // it failed in this page: the Try again button asks it again, not a reload
            remember();
          }
          m.removeAttribute("aria-busy");
          m.classList.add("error");
          b.replaceChildren();
          var st = status("error", msg);
          st.setAttribute("role", "alert");
          b.appendChild(st);
          if (retry) {
            var r = el("button", "retry", T("try_again"));
            r.type = "button";
            r.addEventListener("click", function () {
              if (busy) return;
              var prev = m.previousElementSibling;
              if (prev && prev.classList.contains("user")) prev.remove();
              m.remove();
              input.focus();
              ask(question);
            });
            b.appendChild(r);
          }
          scrollDown();
        },
      };
    }

    // the answer's [n] markers as links to the source viewer at their quote, the quote shown on hover (title) and
    // read out on focus (aria-label); a marker without a viewer link stays text
    function linkMarkers(body, cites, ml) {
      var byN = new Map();
      cites.forEach(function (c) { byN.set(String(Number(c.n)), c); });
      body.querySelectorAll("span.cite").forEach(function (span) {
        var c = byN.get(span.getAttribute("data-n"));
        if (!c || !isStr(c.url) || c.url.indexOf("/source/") !== 0) return;
        var a = el("a", "cite", span.textContent);
        a.setAttribute("data-n", span.getAttribute("data-n"));
        a.href = API + c.url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        var quote = shownQuote(c);
        a.title = quote;
        a.setAttribute("aria-label", T("source", ml) + " " + span.getAttribute("data-n") + ": " + quote);
        span.replaceWith(a);
      });
    }

    // a quote as a reader sees it: a table cell after its row and column ("Storage — Team: 100 GB"), not "100 GB"
    function shownQuote(c) {
      var q = isStr(c.quote) ? c.quote : "";
      return isStr(c.cell) && c.cell ? c.cell + ": " + q : q;
    }

    // each cited document once (its title, its file), then each of its quotes: number, section, page, the quote
    // inside a <details>, and a link to the source viewer at it
    function sources(cites, ml) {
      var wrap = el("div", "sources");
      wrap.setAttribute("role", "group");
      wrap.setAttribute("aria-label", T("sources", ml));
      wrap.appendChild(el("div", "sources-h", T("sources", ml)));
      var ol = el("ol", "src-list");
      var docs = new Map(); // file -> its quotes' list (a Map: a file named "__proto__" is just a name)
      cites.forEach(function (c, i) {
        var file = isStr(c.source) ? c.source : "";
        var list = docs.get(file);
        if (!list) {
          var doc = el("li", "src-doc");
          var h = el("div", "src-doc-h");
          var title = isStr(c.title) && c.title ? c.title : file;
          h.appendChild(el("span", "src-title", title));
          if (title !== file) h.appendChild(el("span", "src-file", file));
          doc.appendChild(h);
          list = el("ul", "src-quotes");
          doc.appendChild(list);
          docs.set(file, list);
          ol.appendChild(doc);
        }
        var n = Number.isFinite(Number(c.n)) ? String(Number(c.n)) : String(i + 1);
        var li = el("li", "src");
        li.setAttribute("data-n", n);
        var d = el("details");
        var s = el("summary");
        s.appendChild(el("span", "src-n", n));
        var meta = el("span", "src-meta");
        var page = Number.isInteger(c.page) && c.page > 0 ? T("page", ml) + " " + c.page : "";
        // where in the document: an FAQ entry's question (its page's heading says nothing of it), else the
        // section; said once for a run of quotes from the same place, not on every line
        var label = isStr(c.question) && c.question ? c.question : isStr(c.section) ? c.section : "";
        var where = label + "\u0000" + page;
        if (label && list.getAttribute("data-last") !== where) {
          var sec = el("span", "src-sec", label); // one line; its whole text on hover and in the label
          sec.title = label;
          meta.appendChild(sec);
        }
        if (page && list.getAttribute("data-last") !== where) meta.appendChild(el("span", "src-sec", page));
        if (!meta.childNodes.length && shownQuote(c)) {
          // the same place as the quote above: the row says which words it holds, not nothing (a browser probe
          // saw rows with only a number and an arrow)
          var shown = shownQuote(c);
          var snip = el("span", "src-snip", shown.length > 70 ? shown.slice(0, 70).replace(/\s+\S*$/, "") + "\u2026" : shown);
          snip.title = shown;
          meta.appendChild(snip);
        }
        list.setAttribute("data-last", where);
        s.appendChild(meta);
        s.appendChild(el("span", "chev", "▸"));
        s.setAttribute("aria-label", T("source", ml) + " " + n + ": " + file + (page ? ", " + page : "") + (label ? ", " + label : "") + ". " + T("show_quote", ml));
        d.appendChild(s);
        d.appendChild(el("blockquote", "quote", shownQuote(c)));
        if (isStr(c.url) && c.url.indexOf("/source/") === 0) {
          // the source viewer at the quote (this server's; the text is set as text, never as HTML)
          var open = el("a", "src-open", T("open_doc", ml));
          open.href = API + c.url;
          open.target = "_blank";
          open.rel = "noopener noreferrer";
          d.appendChild(open);
        }
        li.appendChild(d);
        list.appendChild(li);
      });
      wrap.appendChild(ol);
      return wrap;
    }

    // the answer and its sources as plain text, to paste into an e-mail or a ticket
    function copyButton(text, cites, ml) {
      var b = el("button", "copy", T("copy", ml));
      b.type = "button";
      b.setAttribute("aria-label", T("copy_label", ml));
      b.addEventListener("click", function () {
        var lines = [text, ""];
        cites.forEach(function (c) {
          var title = c.title || c.source;
          var where = [title, c.section !== title ? c.section : ""].filter(isStr).filter(Boolean).join(", ");
          var quote = isStr(c.quote) && c.quote ? (isStr(c.cell) && c.cell ? c.cell + ": " : "") + "\u201c" + c.quote + "\u201d \u2014 " : "";
          lines.push("[" + Number(c.n) + "] " + quote + where + (isStr(c.source_url) && c.source_url ? " " + c.source_url : ""));
        });
        var all = lines.join("\n").trim();
        var done = function () {
          b.textContent = T("copied", ml);
          setTimeout(function () { b.textContent = T("copy", ml); }, 1500);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(all).then(done, function () { fallbackCopy(all) && done(); });
        } else if (fallbackCopy(all)) done();
      });
      return b;
    }
    function fallbackCopy(text) {
      var t = el("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.style.position = "fixed";
      t.style.opacity = "0";
      root.appendChild(t);
      t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      root.removeChild(t);
      return ok;
    }

    function feedback(question, answer, cites, ml) {
      var row = el("div", "fb");
      var label = el("span", "fb-label", T("helpful", ml));
      var up = iconButton("up", T("up", ml));
      var down = iconButton("down", T("down", ml));
      up.setAttribute("aria-pressed", "false");
      down.setAttribute("aria-pressed", "false");
      up.replaceChildren(icon("up", 16));
      down.replaceChildren(icon("down", 16));
      row.appendChild(label);
      row.appendChild(up);
      row.appendChild(down);
      function rate(rating, btn) {
        up.disabled = down.disabled = true;
        btn.setAttribute("aria-pressed", "true");
        label.textContent = T("sending", ml);
        label.className = "fb-label";
        fetch(API + "/api/feedback", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          credentials: "omit",
          body: JSON.stringify({
            question: question,
            answer: answer,
            citations: cites.slice(0, 20),
            rating: rating,
          }),
        })
          .then(function (r) {
            if (!r.ok) throw new Error("HTTP " + r.status);
            return r.json();
          })
          .then(function () {
            label.textContent = T("thanks", ml);
            label.className = "fb-label fb-thanks";
            label.setAttribute("role", "status");
          })
          .catch(function () {
            label.textContent = T("feedback_failed", ml);
            btn.setAttribute("aria-pressed", "false");
            up.disabled = down.disabled = false;
          });
      }
      up.addEventListener("click", function () {
        rate("up", up);
      });
      down.addEventListener("click", function () {
        rate("down", down);
      });
      return row;
    }

    // ------------------------------------------------------------ asking
    function setBusy(v) {
      busy = v;
      send.disabled = v;
      log.querySelectorAll(".chip").forEach(function (c) {
        c.disabled = v;
      });
    }

    async function errorFrom(resp) {
      var msg = "";
      try {
        var data = await resp.json();
        if (data && isStr(data.error)) msg = data.error;
      } catch (e) {
        /* not JSON */
      }
      // the visitor's language: the server's own (English) wording only for an English page, where it says more
      var own = UI_LANG === "en" ? msg : "";
      if (resp.status === 429) {
        var wait = resp.headers.get("Retry-After");
        return {
          text: T("too_many") + " " + (wait ? Tf("wait_s", { s: wait }) : T("wait_moment")),
          retry: true,
        };
      }
      if (resp.status === 400 || resp.status === 422) {
        return { text: own || T("not_accepted"), retry: false };
      }
      if (resp.status >= 500) {
        return { text: (own || T("server_problem")) + " (HTTP " + resp.status + ")", retry: true };
      }
      return { text: (own || T("unexpected")) + " (HTTP " + resp.status + ")", retry: true };
    }

    function parseEvent(block) {
      var ev = "message";
      var data = [];
      block.split("\n").forEach(function (line) {
        if (!line || line.charAt(0) === ":") return;
        var i = line.indexOf(":");
        var field = i < 0 ? line : line.slice(0, i);
        var value = i < 0 ? "" : line.slice(i + 1);
        if (value.charAt(0) === " ") value = value.slice(1);
        if (field === "event") ev = value;
        else if (field === "data") data.push(value);
      });
      if (!data.length) return null;
      try {
        return { event: ev, data: JSON.parse(data.join("\n")) };
      } catch (e) {
        return null;
      }
    }

    async function ask(question) {
      if (busy) return;
      if (question.length > MAX_CHARS) {
        setNotice(tooLongMessage(question.length), true);
        return;
      }
      setNotice("");
      var w = log.querySelector(".welcome .starters");
      if (w) w.remove();
      setOpen(true, false);
      setBusy(true);
      addUser(question);
      var turn = botTurn(question);
      pending = question;
      remember();
      var ctl = new AbortController();
      current = ctl;
      var timer = setTimeout(function () {
        ctl.abort("timeout");
      }, TIMEOUT_MS);
      var body = { question: question, conversation_id: CONVERSATION, lang: UI_LANG };
      if (history.length) body.history = history.slice(-MAX_TURNS);
      try {
        // a short wait the server asks for (429 with Retry-After of a few seconds: this visitor's previous
        // question, cut off by a reload, may still be closing) is waited out here, twice at most
        var resp;
        for (var tries = 0; ; tries++) {
          resp = await fetch(API + "/api/ask/stream?via=widget", {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
            credentials: "omit",
            body: JSON.stringify(body),
            signal: ctl.signal,
          });
          var after = Number(resp.headers.get("Retry-After"));
          if (resp.status !== 429 || tries >= 2 || !(after > 0 && after <= 5)) break;
          if (resp.body && resp.body.cancel) resp.body.cancel().catch(function () {});
          await new Promise(function (done) { setTimeout(done, after * 1000); });
        }
        if (!resp.ok) {
          var err = await errorFrom(resp);
          turn.error(err.text, err.retry);
          return;
        }
        var type = resp.headers.get("Content-Type") || "";
        if (type.indexOf("text/event-stream") < 0 || !resp.body || !resp.body.getReader) {
          var whole = await resp.json();
          if (whole && isStr(whole.error)) turn.error(UI_LANG === "en" ? whole.error : T("not_answered"), false);
          else turn.done(whole || {});
          return;
        }
        var reader = resp.body.getReader();
        var decoder = new TextDecoder();
        var buf = "";
        var handle = function (block) {
          var e = parseEvent(block);
          if (!e) return;
          if (e.event === "delta" && e.data) turn.delta(e.data.text);
          else if (e.event === "done") turn.done(e.data || {});
          else if (e.event === "error")
            turn.error(
              (UI_LANG === "en" && e.data && isStr(e.data.error) && e.data.error) || T("not_answered"),
              false
            );
        };
        for (;;) {
          var r = await reader.read();
          if (r.done) break;
          buf = (buf + decoder.decode(r.value, { stream: true })).replace(/\r\n?/g, "\n");
          var idx;
          while ((idx = buf.indexOf("\n\n")) >= 0) {
            handle(buf.slice(0, idx));
            buf = buf.slice(idx + 2);
          }
        }
        buf += decoder.decode();
        if (buf.trim()) handle(buf.replace(/\r\n?/g, "\n"));
        if (!turn.finished) turn.error(T("cut_off"), true);
      } catch (e) {
        if (ctl.signal.aborted && ctl.signal.reason === "timeout") {
          turn.error(T("too_slow"), true);
        } else if (!ctl.signal.aborted) {
          turn.error(
            T("unreachable"),
            true
          );
        }
      } finally {
        clearTimeout(timer);
        if (current === ctl) current = null;
        setBusy(false);
      }
    }

    function remember() {
      var state = { id: CONVERSATION, turns: stored.slice(), open: !panel.hidden };
      if (pending !== null) state.pending = pending;
      saveState(state);
    }
    // a conversation kept from before a reload, or from another page of this site: shown again, and continued
    var saved = loadState();
    if (saved && saved.turns.length) {
      CONVERSATION = saved.id;
      replaying = true;
      var w0 = log.querySelector(".welcome .starters");
      if (w0) w0.remove();
      saved.turns.forEach(function (t) {
        if (!t || !isStr(t.q) || !t.a || typeof t.a !== "object") return;
        addUser(t.q);
        botTurn(t.q).done(t.a);
        stored.push({ q: t.q, a: t.a });
      });
      replaying = false;
      if (saved.open) setOpen(true, false);
      scrollDown(true);
    } else if (saved) {
      CONVERSATION = saved.id;
    }
    if (opts.open || (opts.openLarge && !saved && window.innerWidth >= 1024)) setOpen(true, false);
    // the page was reloaded (or left) while a question was being answered: it is asked again
    if (saved && isStr(saved.pending) && saved.pending.trim() && saved.pending.length <= MAX_CHARS) {
      ask(saved.pending);
    }
  }

  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
