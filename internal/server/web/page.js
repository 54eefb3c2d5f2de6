// Accord dashboard: small page behaviours (no inline scripts: the pages'
// Content-Security-Policy allows only scripts from this site).
document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("button[data-print]")) {
    b.addEventListener("click", () => window.print());
  }
});
