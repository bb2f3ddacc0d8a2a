// Moat's pages work without this script; it adds live filtering of tables
// and fills the decision form from a row without reloading.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input.filter")) {
    const table = document.getElementById(box.dataset.table);
    if (!table) continue;
    box.addEventListener("input", () => {
      const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const row of table.tBodies[0].rows) {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((w) => text.includes(w));
      }
    });
  }
  const form = document.getElementById("decision-form");
  if (form) {
    for (const link of document.querySelectorAll("a.decide")) {
      link.addEventListener("click", (event) => {
        const row = link.closest("tr");
        form.elements.selector.value = row.dataset.selector;
        form.elements.target.value = row.dataset.target;
        form.scrollIntoView({ behavior: "smooth" });
        form.elements.status.focus();
        event.preventDefault();
      });
    }
  }
});
