// The demo page's only script: @name completion in the composer, and sending a menu's choice
// as soon as it is picked (the page works without it: each menu has its own Go button).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const composer = document.getElementById("composer");
  const list = document.getElementById("completions");
  if (composer && list) {
    const people = JSON.parse(composer.dataset.people || "[]");
    let active = 0;
    let matches = [];
    const word = () => {
      const upTo = composer.value.slice(0, composer.selectionStart);
      const found = /(^|\s)@([\w.\-]*)$/.exec(upTo);
      return found ? found[2] : null;
    };
    const close = () => { list.hidden = true; matches = []; };
    const choose = (handle) => {
      const caret = composer.selectionStart;
      const upTo = composer.value.slice(0, caret).replace(/@[\w.\-]*$/, "@" + handle + " ");
      composer.value = upTo + composer.value.slice(caret);
      composer.setSelectionRange(upTo.length, upTo.length);
      close();
      composer.focus();
    };
    const show = () => {
      const typed = word();
      if (typed === null) { close(); return; }
      const lower = typed.toLowerCase();
      // Handles first, then anyone with a name that starts so.
      const byHandle = people.filter((p) => p.handle.startsWith(lower));
      const byName = people.filter((p) => !byHandle.includes(p)
        && p.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(lower)));
      matches = [...byHandle, ...byName].slice(0, 8);
      active = 0;
      list.replaceChildren(...matches.map((p, i) => {
        const item = document.createElement("li");
        item.textContent = p.name + " (@" + p.handle + ")";
        item.dataset.handle = p.handle;
        if (i === active) item.className = "active";
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(p.handle); });
        return item;
      }));
      list.hidden = matches.length === 0;
    };
    composer.addEventListener("input", show);
    composer.addEventListener("keydown", (event) => {
      if (list.hidden || matches.length === 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        active = (active + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        [...list.children].forEach((item, i) => { item.className = i === active ? "active" : ""; });
        event.preventDefault();
      } else if (event.key === "Tab" || event.key === "Enter") {
        choose(matches[active].handle);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
      }
    });
  }
  // A menu in a message sends its choice at once, as Slack's do.
  document.querySelectorAll(".bk-picker select").forEach((select) => {
    select.addEventListener("change", () => {
      const go = select.parentElement.querySelector(".bk-go");
      if (go && select.value) go.click();
    });
  });
  const messages = document.getElementById("messages");
  if (messages) messages.scrollTop = messages.scrollHeight;
});
