// Progressive enhancement only: every form works without this file.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});

// A prefilled post box (a reply's or a message's "@handle ") gets the caret
// after the text, not before it, when it takes the focus.
document.addEventListener("focusin", function (e) {
  var t = e.target;
  if (t.id === "status-text" && t.value && t.selectionStart === 0 && t.selectionEnd === 0) {
    t.setSelectionRange(t.value.length, t.value.length);
  }
});
