// newstrace pages: show an event's sources and evidence on click, toggle marked kinds.
// Everything shown is already in the server-rendered page; this script only toggles classes and `hidden`,
// so no untrusted text ever passes through innerHTML.
"use strict";

(() => {
  const EVENT_TRIGGER = 'mark[data-kind="event"], button.event-button';

  function showEvent(id) {
    const panel = document.getElementById(`event-${id}`);
    if (!panel) return;
    for (const other of document.querySelectorAll(".event-detail")) other.hidden = other !== panel;
    for (const el of document.querySelectorAll(".active")) el.classList.remove("active");
    for (const el of document.querySelectorAll("[data-evidence]")) {
      if (el.dataset.evidence.split(" ").includes(id)) el.classList.add("active");
    }
    for (const el of document.querySelectorAll(EVENT_TRIGGER)) {
      if (el.dataset.event === id) el.classList.add("active");
    }
    panel.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("click", (ev) => {
    const trigger = ev.target instanceof Element ? ev.target.closest(EVENT_TRIGGER) : null;
    if (trigger && trigger.dataset.event) {
      showEvent(trigger.dataset.event);
      history.replaceState(null, "", `#event-${encodeURIComponent(trigger.dataset.event)}`);
    }
  });

  document.addEventListener("keydown", (ev) => {
    const mark = ev.target instanceof Element ? ev.target.closest('mark[data-kind="event"]') : null;
    if (mark && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      showEvent(mark.dataset.event);
    }
  });

  const text = document.getElementById("article-text");
  for (const box of document.querySelectorAll("input[data-toggle]")) {
    box.addEventListener("change", () => text && text.classList.toggle(`hide-${box.dataset.toggle}`, !box.checked));
  }

  if (location.hash.startsWith("#event-")) {
    showEvent(decodeURIComponent(location.hash.slice("#event-".length)));
  }
})();
