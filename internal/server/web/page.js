// Accord dashboard: small page behaviours (no inline scripts: the pages'
// Content-Security-Policy allows only scripts from this site).
document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("button[data-print]")) {
    b.addEventListener("click", () => window.print());
  }
  // Tables on a narrow screen: each cell is labelled with its column's
  // heading, so that the stylesheet can lay a row out as "label: value"
  // lines instead of cutting the columns at the screen's edge.
  for (const t of document.querySelectorAll("main table")) {
    const head = t.tHead && t.tHead.rows[t.tHead.rows.length - 1];
    if (!head) continue;
    const labels = [];
    for (const th of head.cells) {
      for (let i = 0; i < th.colSpan; i++) labels.push(th.textContent.trim());
    }
    for (const body of t.tBodies) {
      for (const row of body.rows) {
        let col = 0;
        for (const cell of row.cells) {
          const label = labels[col];
          if (label && cell.colSpan < labels.length && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
          col += cell.colSpan;
        }
      }
    }
    t.classList.add("stacks");
  }
  // A long value (a hash, shown whole or cut short) has a button beside
  // it that copies the whole value; a tap is a click.
  for (const el of document.querySelectorAll("[data-copy]")) {
    const value = el.dataset.copy || el.textContent.trim();
    const b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = "Copy";
    b.title = "Copy the whole value";
    b.setAttribute("aria-label", "Copy the whole value " + value.slice(0, 12) + "…");
    b.addEventListener("click", async () => {
      let said = "Copied";
      try {
        await navigator.clipboard.writeText(value);
      } catch {
        // No clipboard (a page over plain HTTP from another computer):
        // the browser's own copy of a selected text.
        const t = document.createElement("textarea");
        t.value = value;
        t.setAttribute("readonly", "");
        t.style.position = "fixed";
        t.style.opacity = "0";
        document.body.append(t);
        t.select();
        if (!document.execCommand("copy")) said = "Not copied: select the value and copy it";
        t.remove();
      }
      b.textContent = said;
      setTimeout(() => { b.textContent = "Copy"; }, 2500);
    });
    el.after(b);
  }
  // A strip's segments name their status and dates on hover; a tap (or a
  // click) writes the same words under the strip.
  for (const strip of document.querySelectorAll(".strip")) {
    const said = document.createElement("p");
    said.className = "strip-said";
    said.setAttribute("aria-live", "polite");
    strip.after(said);
    strip.addEventListener("click", (ev) => {
      const seg = ev.target.closest("span[title]");
      if (seg) said.textContent = seg.title;
    });
  }
});
