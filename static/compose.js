// The post form, enhanced: a character counter, previews of the chosen
// images with one description field each, and a warning past four images.
// Without this file the form still works; the server enforces every limit.
(function () {
  function counter(text) {
    var out = document.getElementById("char-counter");
    if (!out) { return; }
    var max = parseInt(text.getAttribute("data-max"), 10);
    var used = Array.from(text.value).length; // characters, as the server counts
    var left = max - used;
    out.textContent = left >= 0 ? left + " characters left" : -left + " characters too many";
    out.classList.toggle("over", left < 0);
  }

  function previews(input) {
    var box = document.getElementById("media-preview");
    var warn = document.getElementById("media-limit");
    if (!box) { return; }
    var max = parseInt(input.getAttribute("data-max"), 10);
    var files = Array.from(input.files || []);
    box.replaceChildren();
    if (warn) { warn.hidden = files.length <= max; }
    files.slice(0, max).forEach(function (f, i) {
      var fig = document.createElement("figure");
      var img = document.createElement("img");
      img.alt = "Preview of image " + (i + 1) + ": " + f.name;
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; };
      reader.readAsDataURL(f);
      fig.appendChild(img);
      box.appendChild(fig);
    });
    // One description field per chosen image (all of them without files).
    for (var i = 1; i <= max; i++) {
      var row = document.getElementById("alt-row-" + i);
      if (row) { row.hidden = files.length > 0 && i > files.length; }
    }
  }

  document.addEventListener("input", function (e) {
    if (e.target.id === "status-text") { counter(e.target); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.id === "media") { previews(e.target); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("status-text");
    if (text) { counter(text); }
  });
})();
