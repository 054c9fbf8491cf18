// The live chat: new messages, edits, deletes and card updates arrive over
// server-sent events, and the composer sends without leaving the page. The
// page works without this file: forms post and the server redirects back.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat || !chat.getAttribute("data-events") || !window.EventSource || !window.fetch || !window.FormData) { return; }
  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var text = document.getElementById("message-text");
  var sendButton = document.getElementById("send-button");
  var errBox = document.getElementById("composer-error");
  var live = document.getElementById("live-state");
  var below = document.getElementById("new-below");
  var replying = document.getElementById("replying");
  var csrf = form.querySelector("input[name=authenticity_token]").value;
  var unseen = false;

  function messages() { return list.querySelectorAll("li.msg"); }
  function lastMessage() { var m = messages(); return m.length ? m[m.length - 1] : null; }
  function lastID() { var m = lastMessage(); return m ? m.getAttribute("data-id") : (chat.getAttribute("data-last") || "0"); }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  // Times are written in UTC by the server; show them in the reader's zone.
  function localTimes(root) {
    root.querySelectorAll(".msg-meta time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) { el.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
    });
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
  }

  function separator(el) {
    var li = document.createElement("li");
    li.className = "day-sep";
    li.setAttribute("role", "separator");
    li.setAttribute("data-day", el.getAttribute("data-day"));
    var span = document.createElement("span");
    span.textContent = el.getAttribute("data-day-label");
    li.appendChild(span);
    return li;
  }

  // place appends a new bubble once (the composer's answer and the stream
  // may both bring it), with a day separator or as the continuation of the
  // same author's run.
  function place(el) {
    if (!el || document.getElementById(el.id)) { return false; }
    var stick = nearBottom();
    var prev = lastMessage();
    if (!prev || prev.getAttribute("data-day") !== el.getAttribute("data-day")) {
      list.appendChild(separator(el));
      el.classList.remove("cont");
    } else if (prev.getAttribute("data-author") === el.getAttribute("data-author")) {
      el.classList.add("cont");
    } else {
      el.classList.remove("cont");
    }
    localTimes(el);
    list.appendChild(el);
    if (stick || el.classList.contains("mine")) {
      el.scrollIntoView({ block: "end" });
    } else {
      below.hidden = false;
    }
    return true;
  }

  function replace(el) {
    var old = el && document.getElementById(el.id);
    if (!old) { return; }
    el.classList.toggle("cont", old.classList.contains("cont"));
    localTimes(el);
    old.replaceWith(el);
  }

  function removed(id) {
    var old = document.getElementById("m-" + id);
    if (!old || old.classList.contains("deleted")) { return; }
    old.classList.add("deleted");
    var bubble = old.querySelector(".bubble");
    var note = document.createElement("p");
    note.className = "content deleted-note";
    note.textContent = "This message was deleted.";
    bubble.replaceChildren(note);
  }

  // markRead moves the read marker when others' messages arrive while the
  // page is in view.
  var readTimer = null;
  function markRead() {
    if (document.visibilityState !== "visible") { unseen = true; return; }
    unseen = false;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var body = new FormData();
      body.append("authenticity_token", csrf);
      fetch("/chats/" + chat.getAttribute("data-chat") + "/read", { method: "POST", body: body, credentials: "same-origin", headers: { "X-Plaza-Fetch": "1" } });
    }, 300);
  }
  document.addEventListener("visibilitychange", function () { if (unseen) { markRead(); } });

  var source = null;
  function setLive(state) {
    chat.setAttribute("data-live", state);
    live.textContent = state === "open" ? "" : "Reconnecting…";
  }
  function connect() {
    source = new EventSource(chat.getAttribute("data-events") + "?after=" + encodeURIComponent(lastID()));
    source.addEventListener("open", function () { setLive("open"); });
    source.addEventListener("message", function (e) {
      var d = JSON.parse(e.data);
      var el = fragment(d.html);
      if (place(el) && el.classList.contains("theirs")) { markRead(); }
    });
    source.addEventListener("edit", function (e) { replace(fragment(JSON.parse(e.data).html)); });
    source.addEventListener("card", function (e) { replace(fragment(JSON.parse(e.data).html)); });
    source.addEventListener("delete", function (e) { removed(JSON.parse(e.data).id); });
    source.addEventListener("error", function () {
      setLive("reconnecting");
      // The browser retries by itself (with Last-Event-ID) unless the
      // server refused the stream; then start again from the last bubble.
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 5000); }
    });
  }

  function showError(msg) {
    errBox.textContent = msg;
    errBox.hidden = !msg;
  }

  function clearReply() {
    document.getElementById("reply-id").value = "";
    replying.hidden = true;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (sendButton.disabled) { return; }
    var body = new FormData(form);
    sendButton.disabled = true;
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Plaza-Fetch": "1", "Accept": "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return { error: "The message could not be sent. Please try again." }; });
      })
      .then(function (d) {
        if (d.error) { showError(d.error); return; }
        showError("");
        text.value = "";
        form.reset();
        clearReply();
        grow();
        place(fragment(d.html));
      })
      .catch(function () { showError("You seem to be offline. The message was not sent."); })
      .finally(function () { sendButton.disabled = false; text.focus(); });
  });

  // The money forms send without leaving the chat too: the card arrives
  // as a message over the stream.
  document.querySelectorAll("form.money-form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = f.querySelector("button[type=submit]");
      if (button.disabled) { return; }
      button.disabled = true;
      fetch(f.action, { method: "POST", body: new FormData(f), credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().catch(function () { return { error: "That did not work. Please try again." }; }); })
        .then(function (d) {
          if (d.error) { showError(d.error); return; }
          showError("");
          f.reset();
          document.getElementById("money-menu").open = false;
          text.focus();
        })
        .catch(function () { showError("You seem to be offline. Nothing was sent."); })
        .finally(function () { button.disabled = false; });
    });
  });

  // Enter sends, Shift+Enter starts a new line.
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
    }
  });

  function grow() {
    text.style.height = "auto";
    text.style.height = Math.min(text.scrollHeight + 2, 200) + "px";
  }
  text.addEventListener("input", grow);

  list.addEventListener("click", function (e) {
    var a = e.target.closest("a.msg-reply");
    if (!a) { return; }
    e.preventDefault();
    var msg = a.closest("li.msg");
    var author = msg.querySelector(".msg-author");
    document.getElementById("reply-id").value = a.getAttribute("data-reply");
    document.getElementById("reply-author").textContent = msg.classList.contains("mine") ? "yourself" : (author ? author.textContent : "");
    var content = msg.querySelector(".content");
    document.getElementById("reply-text").textContent = content ? content.textContent.slice(0, 100) : "";
    replying.hidden = false;
    text.focus();
  });
  document.getElementById("reply-cancel").addEventListener("click", function (e) {
    e.preventDefault();
    clearReply();
    text.focus();
  });
  below.addEventListener("click", function () { below.hidden = true; });
  window.addEventListener("scroll", function () { if (nearBottom()) { below.hidden = true; } }, { passive: true });

  localTimes(list);
  var last = lastMessage();
  if (last && !location.hash) { last.scrollIntoView({ block: "end" }); }
  connect();
})();
