// Progressive enhancement only: every page works without this file.
// Keyboard: "/" focuses the search box, j/k move through the results,
// o or Enter opens the current one. Buttons to copy or share a link.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function hits() {
    return Array.from(document.querySelectorAll(".hit"));
  }

  function move(step) {
    var all = hits();
    if (!all.length) return;
    var index = all.findIndex(function (hit) { return hit.classList.contains("current"); });
    var next = Math.min(all.length - 1, Math.max(0, index + step));
    if (index >= 0) all[index].classList.remove("current");
    all[next].classList.add("current");
    var link = all[next].querySelector(".hit-link");
    link.focus({ preventScroll: true });
    all[next].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      if (event.key === "Escape" && event.target.id === "q") {
        // Leave the box but keep the query (a search box clears on Escape).
        event.preventDefault();
        event.target.blur();
      }
      return;
    }
    if (event.key === "/") {
      var box = document.getElementById("q");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    } else if (event.key === "j") {
      move(1);
    } else if (event.key === "k") {
      move(-1);
    } else if (event.key === "o") {
      var current = document.querySelector(".hit.current .hit-link");
      if (current) current.click();
    }
  });

  function sharedUrl() {
    var canonical = document.querySelector('link[rel="canonical"]');
    return (canonical ? canonical.href : location.href.split("#")[0]) + location.hash;
  }

  function say(button, text) {
    var status = button.parentElement.querySelector(".status");
    if (status) status.textContent = text;
  }

  function enhance(root) {
    root.querySelectorAll("[data-copy-link]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(sharedUrl()).then(function () {
          var status = button.parentElement.querySelector(".status");
          say(button, status ? status.dataset.copied : "");
        });
      });
    });
    root.querySelectorAll("[data-share]").forEach(function (button) {
      if (!navigator.share) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({ title: button.dataset.title, url: sharedUrl() }).catch(function () {});
      });
    });
    // The search box updates the results as one types; its "change" on
    // blur would send the same search again and race a filter click.
    var box = root.querySelector("form.search #q");
    if (box) box.addEventListener("change", function (event) { event.stopPropagation(); });
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // A search pushes its URL: leave out the fields left empty (order=&to=)
  // so the address says just what the reader chose.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var data = event.detail.formData;
    var names = new Set();
    data.forEach(function (value, name) { if (value === "") names.add(name); });
    names.forEach(function (name) {
      var kept = data.getAll(name).filter(function (value) { return value !== ""; });
      data.delete(name);
      kept.forEach(function (value) { data.append(name, value); });
    });
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
})();
