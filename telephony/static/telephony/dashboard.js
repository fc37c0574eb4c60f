// Telephone barometer: volume bars and service-level line (data from json_script).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    var canvas = document.getElementById("volume-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.i18n.offered, data: data.offered, backgroundColor: "#0b3c6f", yAxisID: "y" },
          { type: "bar", label: data.i18n.answered, data: data.answered, backgroundColor: "#5b8fc7", yAxisID: "y" },
          { type: "bar", label: data.i18n.abandoned, data: data.abandoned, backgroundColor: "#b3261e", yAxisID: "y" },
          { type: "line", label: data.i18n.service_level, data: data.service_level, borderColor: "#1e6b34",
            backgroundColor: "#1e6b34", borderDash: [6, 3], pointStyle: "rectRot", pointRadius: 4, yAxisID: "sl" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, position: "left" },
          sl: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } }
        }
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
