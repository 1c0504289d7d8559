// Progressive enhancement only: every page works without this file.
// Keyboard (as in Miniflux; "?" lists the keys): "/" focuses the search box,
// j/k move through the results (past the last one loads more), o or Enter
// opens the current one, b bookmarks it, m marks it read or unread, v opens
// its original. Buttons to copy or share a link.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function hits() {
    return Array.from(document.querySelectorAll(".hit"));
  }

  function current() {
    return document.querySelector(".hit.current");
  }

  // -- the cursor -----------------------------------------------------------

  // Where the reader was in a list, kept per address so that Back to the
  // list (which may be a new copy of the page) puts the cursor back.
  function cursorKey() {
    return "newsroom:cursor:" + location.pathname + location.search;
  }

  function remember(hit) {
    try { sessionStorage.setItem(cursorKey(), hit.dataset.article); } catch (e) { /* private mode */ }
  }

  function select(hit, scroll) {
    var before = current();
    if (before) before.classList.remove("current");
    hit.classList.add("current");
    hit.querySelector(".hit-link").focus({ preventScroll: true });
    if (scroll) hit.scrollIntoView({ block: "nearest" });
    remember(hit);
  }

  function restoreCursor() {
    var id;
    try { id = sessionStorage.getItem(cursorKey()); } catch (e) { return; }
    if (!id || current()) return;
    var hit = document.querySelector('.hit[data-article="' + CSS.escape(id) + '"]');
    if (hit) select(hit, true);
  }

  var loadingMore = false;

  function move(step) {
    var all = hits();
    if (!all.length) return;
    var index = all.indexOf(current());
    if (step > 0 && index === all.length - 1) {
      // Past the last one: load more, then go on to the first of them.
      var more = document.querySelector(".hits .more a");
      if (more && !loadingMore) { loadingMore = true; more.click(); }
      return;
    }
    select(all[Math.min(all.length - 1, Math.max(0, index + step))], true);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!loadingMore) return;
    loadingMore = false;
    var all = hits();
    var index = all.indexOf(current());
    if (index >= 0 && index < all.length - 1) select(all[index + 1], true);
  });
  document.addEventListener("htmx:responseError", function () { loadingMore = false; });
  document.addEventListener("htmx:sendError", function () { loadingMore = false; });

  // The item a key acts on: the current hit of a list, or the article read.
  function target(selector) {
    var scope = current() || document.querySelector("article.article");
    return scope ? scope.querySelector(selector) : null;
  }

  function press(selector) {
    var control = target(selector);
    if (control) control.click();
  }

  var keys = {
    "/": function (event) {
      var box = document.getElementById("q");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    },
    j: function () { move(1); },
    k: function () { move(-1); },
    o: function () { press(".hit-link"); },
    b: function () { press(".bookmark button[type=submit]"); },
    m: function () { press(".read-state button[type=submit]"); },
    v: function () {
      var link = target("a.original");
      if (link) window.open(link.href, "_blank", "noopener");
    },
    "?": function () {
      var dialog = document.getElementById("keys");
      if (!dialog) return;
      if (dialog.open) dialog.close(); else dialog.showModal();
    },
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      if (event.key === "Escape" && event.target.id === "q") {
        // Leave the box but keep the query (a search box clears on Escape).
        event.preventDefault();
        event.target.blur();
      }
      return;
    }
    if (Object.prototype.hasOwnProperty.call(keys, event.key)) keys[event.key](event);
  });

  // Opening a hit by mouse or Enter also leaves the cursor on it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".hit-link");
    if (link) remember(link.closest(".hit"));
  });

  // A read button swapped in by htmx: the hit looks read or unread with it
  // (once settled, when the new button works too).
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = event.detail.elt;
    if (!form.classList || !form.classList.contains("read-state")) return;
    var hit = form.closest(".hit");
    var button = form.querySelector("button[type=submit]");
    if (hit && button) hit.classList.toggle("read", button.getAttribute("aria-pressed") === "true");
  });

  // -- history ---------------------------------------------------------------

  // Back and Forward put back htmx's copy of the page, taken as the next
  // search left; the filters in it are as the server sent them for that
  // address, but the search box holds what was typed since: take it from
  // the address.
  document.addEventListener("htmx:historyRestore", function () {
    var box = document.getElementById("q");
    if (box) box.value = new URLSearchParams(location.search).get("q") || "";
  });

  // Forms that lead back here (language, list view, mark as read) come back
  // to the address the page has now, after a live search or "more".
  function hereNext(form) {
    var next = form.querySelector('input[name="next"]');
    if (next) next.value = location.pathname + location.search;
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-next-here]")) hereNext(event.target);
  }, true);

  // -- links and sharing -----------------------------------------------------

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
    root.querySelectorAll("[data-show-keys]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { keys["?"](); });
    });
    // The search box updates the results as one types; its "change" on
    // blur would send the same search again and race a filter click.
    var box = root.querySelector("form.search #q");
    if (box) box.addEventListener("change", function (event) { event.stopPropagation(); });
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { hereNext(select.form); select.form.submit(); });
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
  // Back to a list puts the cursor where it was (a fresh visit starts at the
  // top), whether the page comes out of the browser's memory or anew.
  window.addEventListener("pageshow", function (event) {
    var navigation = performance.getEntriesByType("navigation")[0];
    if (event.persisted || (navigation && navigation.type === "back_forward")) restoreCursor();
  });
})();
