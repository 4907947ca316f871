// Opastin chat widget: plain JavaScript, no build step. Talks to the server over the WebSocket
// at /ws: one JSON request per text frame, one JSON reply per text frame (docs/protocol.md).
// Server text is only ever inserted as text (textContent), never as HTML.
(function () {
  "use strict";

  var UI = {
    fi: { dir: "ltr", language: "Kieli", placeholder: "Kirjoita kysymyksesi…", send: "Lähetä", sources: "Lähteet",
          connecting: "Yhdistetään…", open: "Yhdistetty", retry: "Yhteys katkesi – yritetään uudelleen {n} s kuluttua" },
    sv: { dir: "ltr", language: "Språk", placeholder: "Skriv din fråga…", send: "Skicka", sources: "Källor",
          connecting: "Ansluter…", open: "Ansluten", retry: "Anslutningen bröts – försöker igen om {n} s" },
    en: { dir: "ltr", language: "Language", placeholder: "Type your question…", send: "Send", sources: "Sources",
          connecting: "Connecting…", open: "Connected", retry: "Disconnected – retrying in {n} s" },
    ru: { dir: "ltr", language: "Язык", placeholder: "Напишите ваш вопрос…", send: "Отправить", sources: "Источники",
          connecting: "Подключение…", open: "Подключено", retry: "Соединение потеряно — повтор через {n} с" },
    ar: { dir: "rtl", language: "اللغة", placeholder: "اكتب سؤالك…", send: "إرسال", sources: "المصادر",
          connecting: "جارٍ الاتصال…", open: "متصل", retry: "انقطع الاتصال – إعادة المحاولة بعد {n} ث" },
    so: { dir: "ltr", language: "Luqadda", placeholder: "Qor su'aashaada…", send: "Dir", sources: "Ilaha",
          connecting: "Waa la xiriirayaa…", open: "Waa la xiriiray", retry: "Xiriirka waa go'ay – isku day kale {n} ilbiriqsi kadib" }
  };

  var root = document.documentElement;
  var widget = document.getElementById("opastin");
  var select = document.getElementById("opastin-lang");
  var langText = document.getElementById("opastin-lang-text");
  var statusLine = document.getElementById("opastin-status");
  var list = document.getElementById("opastin-messages");
  var form = document.getElementById("opastin-form");
  var input = document.getElementById("opastin-input");
  var inputLabel = document.getElementById("opastin-input-label");
  var sendButton = document.getElementById("opastin-send");

  var uiLang = "fi";
  var pendingLang = null;   // picked in the menu: sent with the next message
  var socket = null;
  var queue = [];           // requests written while disconnected
  var backoff = 500;        // ms; doubles up to 15 s
  var retryTimer = null;
  var statusState = "connecting";
  var retryIn = 0;
  var nextId = 1;

  function strings() { return UI[uiLang] || UI.fi; }

  function applyLanguage(lang) {
    if (!UI[lang]) { return; }
    uiLang = lang;
    var s = strings();
    root.lang = lang;
    root.dir = s.dir;
    widget.setAttribute("dir", s.dir);
    widget.setAttribute("lang", lang);
    select.value = lang;
    langText.textContent = s.language;
    input.placeholder = s.placeholder;
    inputLabel.textContent = s.placeholder;
    sendButton.textContent = s.send;
    renderStatus();
  }

  function renderStatus() {
    var s = strings();
    statusLine.dataset.state = statusState;
    if (statusState === "open") { statusLine.textContent = s.open; }
    else if (statusState === "closed") { statusLine.textContent = s.retry.replace("{n}", String(retryIn)); }
    else { statusLine.textContent = s.connecting; }
  }

  function setStatus(state) { statusState = state; renderStatus(); }

  // MARK: Messages

  function scrollToEnd() { list.scrollTop = list.scrollHeight; }

  function bubble(kind, lang) {
    var item = document.createElement("li");
    item.className = "opastin-message opastin-message-" + kind;
    if (lang) {
      item.setAttribute("lang", lang);
      item.setAttribute("dir", UI[lang] ? UI[lang].dir : "auto");
    } else {
      item.setAttribute("dir", "auto");
    }
    return item;
  }

  function addText(parent, text, autoDirection) {
    String(text).split(/\n+/).forEach(function (line) {
      if (!line.trim()) { return; }
      var p = document.createElement("p");
      if (autoDirection) { p.setAttribute("dir", "auto"); }
      p.textContent = line;
      parent.appendChild(p);
    });
  }

  function showUser(text) {
    var item = bubble("user", null);
    addText(item, text, true);
    list.appendChild(item);
    scrollToEnd();
  }

  function isWebLink(url) { return /^https?:\/\//i.test(url); }

  function showReply(reply) {
    if (reply.error) {
      var failed = bubble("bot", uiLang);
      failed.classList.add("opastin-message-error");
      addText(failed, reply.error.message || reply.error.code, false);
      list.appendChild(failed);
      scrollToEnd();
      return;
    }
    var lang = typeof reply.lang === "string" ? reply.lang : uiLang;
    if (UI[lang] && lang !== uiLang) { applyLanguage(lang); }
    var item = bubble("bot", lang);
    item.dataset.kind = reply.kind || "";
    if (reply.intent) { item.dataset.intent = reply.intent; }
    // With options, the answer's numbered lines are shown as buttons instead.
    var text = String(reply.answer || "");
    var options = Array.isArray(reply.options) ? reply.options : [];
    if (options.length) {
      text = text.split("\n").filter(function (line) { return !/^\s*\d+[.)]\s/.test(line); }).join("\n");
    }
    addText(item, text, false);

    if (options.length) {
      var group = document.createElement("div");
      group.className = "opastin-options";
      group.setAttribute("role", "group");
      options.forEach(function (option) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "opastin-option";
        button.dataset.number = String(option.number);
        var label = document.createElement("bdi");
        label.textContent = String(option.number) + ". " + String(option.label);
        button.appendChild(label);
        button.addEventListener("click", function () {
          send(String(option.number), String(option.label));
          input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }

    var links = Array.isArray(reply.links) ? reply.links.filter(isWebLink) : [];
    if (links.length) {
      var ul = document.createElement("ul");
      ul.className = "opastin-links";
      links.forEach(function (url) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        var bdi = document.createElement("bdi");
        bdi.setAttribute("dir", "ltr");
        bdi.textContent = url.replace(/^https?:\/\//i, "").replace(/\/$/, "");
        a.appendChild(bdi);
        li.appendChild(a);
        ul.appendChild(li);
      });
      item.appendChild(ul);
    }

    var sources = Array.isArray(reply.sources) ? reply.sources : [];
    if (sources.length) {
      var details = document.createElement("details");
      details.className = "opastin-sources";
      var summary = document.createElement("summary");
      summary.textContent = (UI[lang] || strings()).sources;
      details.appendChild(summary);
      var sl = document.createElement("ul");
      sources.forEach(function (source) {
        var li = document.createElement("li");
        var where = document.createElement("bdi");
        where.textContent = [source.document, source.where].filter(Boolean).join(", ") || String(source.seed || "");
        li.appendChild(where);
        if (source.says) {
          li.appendChild(document.createTextNode(": "));
          var says = document.createElement("bdi");
          says.textContent = String(source.says);
          li.appendChild(says);
        }
        sl.appendChild(li);
      });
      details.appendChild(sl);
      item.appendChild(details);
    }
    list.appendChild(item);
    scrollToEnd();
  }

  // MARK: Connection

  function socketURL() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  }

  function connect() {
    retryTimer = null;
    setStatus("connecting");
    try {
      socket = new WebSocket(socketURL());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      backoff = 500;
      setStatus("open");
      while (queue.length && socket.readyState === WebSocket.OPEN) { socket.send(queue.shift()); }
    });
    socket.addEventListener("message", function (event) {
      if (typeof event.data !== "string") { return; }
      var reply;
      try { reply = JSON.parse(event.data); } catch (e) { return; }
      if (reply && typeof reply === "object") { showReply(reply); }
    });
    socket.addEventListener("close", function () {
      socket = null;
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (retryTimer) { return; }
    var delay = Math.min(backoff, 15000) * (0.75 + Math.random() * 0.5);
    backoff = Math.min(backoff * 2, 15000);
    retryIn = Math.max(1, Math.round(delay / 1000));
    setStatus("closed");
    retryTimer = setTimeout(connect, delay);
  }

  function send(text, shown) {
    var request = { id: nextId++, text: text };
    if (pendingLang) { request.lang = pendingLang; pendingLang = null; }
    showUser(shown || text);
    var line = JSON.stringify(request);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(line); }
    else { queue.push(line); }
  }

  // MARK: Events

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });

  select.addEventListener("change", function () {
    pendingLang = select.value;
    applyLanguage(select.value);
  });

  // Keep the latest message in view when the window (or the zoom) changes.
  window.addEventListener("resize", scrollToEnd);

  var preferred = (navigator.language || "fi").slice(0, 2).toLowerCase();
  applyLanguage(UI[preferred] ? preferred : "fi");
  connect();
})();
