// The live chat list: a chat that gets a message moves to the top with its
// new preview and unread count, without a reload. Without this file the
// list is simply current when loaded.
(function () {
  "use strict";
  var list = document.getElementById("chat-list");
  if (!list || !list.getAttribute("data-events") || !window.EventSource) { return; }

  function row(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }
  function existing(id) { return list.querySelector('li.chat-row[data-chat="' + id + '"]'); }

  var source = new EventSource(list.getAttribute("data-events") + "?after=" + encodeURIComponent(list.getAttribute("data-last") || "0"));
  source.addEventListener("open", function () { list.setAttribute("data-live", "open"); });
  source.addEventListener("error", function () { list.setAttribute("data-live", "reconnecting"); });
  source.addEventListener("chat", function (e) {
    var d = JSON.parse(e.data);
    var el = row(d.html);
    var old = existing(d.id);
    var empty = list.querySelector("li.empty");
    if (empty) { empty.remove(); }
    if (old && !d.moved) {
      old.replaceWith(el); // read or renamed: same place
      return;
    }
    if (old) { old.remove(); }
    list.insertBefore(el, list.firstElementChild);
  });
  source.addEventListener("gone", function (e) {
    var old = existing(JSON.parse(e.data).id);
    if (old) { old.remove(); }
  });
})();
