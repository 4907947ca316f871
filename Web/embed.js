// Opastin embed snippet: <script src="http://HOST:PORT/embed.js"></script> inserts the chat
// widget as an iframe where the script tag stands. Optional attributes on the script tag:
// data-height (CSS length, default 36rem) and data-title (the frame's accessible name).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin = new URL(script.src, location.href).origin;
  var frame = document.createElement("iframe");
  frame.src = origin + "/";
  frame.title = script.getAttribute("data-title") || "Opastin chat";
  frame.setAttribute("loading", "lazy");
  frame.style.width = "100%";
  frame.style.maxWidth = "48rem";
  frame.style.height = script.getAttribute("data-height") || "36rem";
  frame.style.border = "0.0625rem solid #d5dbe1";
  frame.style.borderRadius = "0.75rem";
  frame.style.display = "block";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
