// Evertoken dashboard: countdowns, copy buttons, the webhook log stream and the test message's statuses.
// Plain script, no framework. It never receives a token value: the pages hold fingerprints only.
(function () {
  "use strict";

  // The server's clock may differ from the browser's (the sandbox moves it): count from the server's now.
  var serverNow = Date.parse(document.body.getAttribute("data-server-now") || "");
  var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();

  function span(ms) {
    var total = Math.floor(ms / 1000);
    var d = Math.floor(total / 86400), h = Math.floor(total % 86400 / 3600), m = Math.floor(total % 3600 / 60), s = total % 60;
    if (d > 0) return d + "d " + h + "h " + m + "m " + s + "s";
    if (h > 0) return h + "h " + m + "m " + s + "s";
    if (m > 0) return m + "m " + s + "s";
    return s + "s";
  }

  // Same words as Format.Countdown on the server.
  function countdown() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-expires]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-expires")) - now;
      el.textContent = left > 0 ? span(left) + " left" : "expired " + span(-left) + " ago";
    });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target) return;
        var text = target.value !== undefined ? target.value : target.textContent;
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { select(target); });
        } else {
          select(target);
          try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected for Ctrl+C */ }
        }
      });
    });
  }

  function select(el) {
    if (el.select) { el.focus(); el.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function text(tag, className, value) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = value == null ? "" : String(value);
    return el;
  }

  // A table cell with the column name the phone layout shows beside it.
  function cell(label, className, value) {
    var td = text("td", className, value);
    td.setAttribute("data-label", label);
    return td;
  }

  // "2026-01-02T03:04:05.678+00:00" → "2026-01-02 03:04 UTC", as the server writes it.
  function utc(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return iso;
    return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function tone(row) {
    if (row.kind === "Error" || row.status === "failed") return "bad";
    if (row.kind === "Status") return row.status === "read" || row.status === "delivered" ? "ok" : "idle";
    if (row.kind === "Message") return "info";
    return "idle";
  }

  // Same words as RelayView.EventState on the server: [tone, word]. A payload waiting while no relay target in use
  // takes its phone number (the table lists their filters) is not relayed.
  function relayState(state, phone, filters) {
    if (state === "pending" && !filters.some(function (f) { return f === "*" || f === phone; })) state = "none";
    if (state === "pending") return ["warn", "Pending"];
    if (state === "delivered") return ["ok", "Delivered"];
    if (state === "dead") return ["bad", "Dead"];
    return ["idle", "Not relayed"];
  }

  // Streams open on this page; closed when Blazor's enhanced navigation swaps the page.
  var sources = [];

  function stream(url) {
    var source = new EventSource(url);
    sources.push(source);
    return source;
  }

  // The webhook log: rows rendered by the server, then new ones from the event stream.
  function webhookLog() {
    var log = document.getElementById("webhook-log");
    if (!log || !window.EventSource) return;
    var body = log.querySelector("tbody");
    var filters = (log.getAttribute("data-relay-phones") || "").split(" ").filter(Boolean);
    var streamState = document.getElementById("stream-state");
    var source = stream(log.getAttribute("data-stream"));
    source.onopen = function () { if (streamState) streamState.textContent = "live"; };
    source.onerror = function () { if (streamState) streamState.textContent = "reconnecting"; };
    source.addEventListener("webhook", function (message) {
      var row = JSON.parse(message.data);
      if (body.querySelector('tr[data-id="' + row.id + '"]')) return;
      var empty = log.querySelector(".empty-row");
      if (empty) empty.remove();
      var tr = document.createElement("tr");
      tr.setAttribute("data-id", row.id);
      tr.setAttribute("data-kind", row.kind);
      tr.className = "new";
      tr.appendChild(cell("Received", "nowrap", utc(row.received_at)));
      var kind = cell("Kind", "", "");
      kind.appendChild(text("span", "badge small tone-" + tone(row), row.kind));
      tr.appendChild(kind);
      tr.appendChild(cell("What", "", row.what + (row.duplicates > 0 ? " (+" + row.duplicates + " redelivered)" : "")));
      tr.appendChild(cell("Who", "wrap", row.who || ""));
      tr.appendChild(cell("wamid", "wrap mono", row.wamid || ""));
      tr.appendChild(cell("Phone number id", "", row.phone_number_id || ""));
      var relay = cell("Relay", "", "");
      var state = relayState(row.relay_state, row.phone_number_id, filters);
      var badge = text("span", "badge small tone-" + state[0], state[1]);
      badge.setAttribute("data-relay-state", row.relay_state || "none");
      relay.appendChild(badge);
      tr.appendChild(relay);
      var view = cell("Payload", "", "");
      var details = document.createElement("details");
      details.appendChild(text("summary", "", "Payload"));
      details.appendChild(text("pre", "payload", row.raw));
      var actions = text("div", "payload-actions", "");
      var whole = text("a", "", "Whole delivery #" + row.payload_id);
      whole.href = "/dashboard/events/payload/" + row.payload_id;
      whole.target = "_blank";
      actions.appendChild(whole);
      // Replay posts the page's one replay form (with its antiforgery token), when a relay target is in use.
      if (filters.length > 0 && document.getElementById("relay-replay")) {
        var replay = text("button", "", "Replay");
        replay.type = "submit";
        replay.setAttribute("form", "relay-replay");
        replay.name = "payload";
        replay.value = String(row.payload_id);
        actions.appendChild(replay);
      }
      details.appendChild(actions);
      view.appendChild(details);
      tr.appendChild(view);
      body.insertBefore(tr, body.firstChild);
    });
  }

  // The test message: statuses of the sent wamid as they arrive.
  function statuses() {
    var list = document.getElementById("statuses");
    if (!list || !window.EventSource) return;
    var source = stream(list.getAttribute("data-stream"));
    source.addEventListener("webhook", function (message) {
      var row = JSON.parse(message.data);
      if (row.kind !== "Status" && row.kind !== "Error") return;
      var waiting = list.querySelector(".waiting");
      if (waiting) waiting.remove();
      var li = document.createElement("li");
      li.appendChild(text("span", "badge small tone-" + tone(row), row.status || row.kind));
      li.appendChild(document.createTextNode(" " + utc(row.received_at)));
      list.appendChild(li);
    });
  }

  function init() {
    sources.forEach(function (s) { s.close(); });
    sources = [];
    countdown();
    copyButtons();
    webhookLog();
    statuses();
  }

  init();
  setInterval(countdown, 1000);
  // Enhanced navigation and enhanced forms replace the page without running this script again.
  if (window.Blazor && window.Blazor.addEventListener) {
    window.Blazor.addEventListener("enhancedload", init);
  }
})();
