// Work queue: "select all" checkbox for bulk actions (the page works without it).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (!all) return;
  const boxes = () => document.querySelectorAll("#bulk-form input[name=fiche]");
  all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
});
