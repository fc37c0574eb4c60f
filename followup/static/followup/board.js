// Follow-up board: weekly trend chart. The same figures are in a table next to it.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("trend-data");
  const canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.created_label, data: data.created, backgroundColor: "#0b3c6f", borderColor: "#0b3c6f" },
        // Resolved: hatched look through a lighter colour plus a border, and a distinct legend label.
        { label: data.resolved_label, data: data.resolved, backgroundColor: "#9ec3e6", borderColor: "#072a4f", borderWidth: 2 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
