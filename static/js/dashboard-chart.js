/* Attainment by section (ECharts, served locally from static/vendor/echarts). The chart is
   one image for assistive technology (role="img" with a label and description on its
   container); the table below it carries the same data. */
(function () {
  "use strict";
  var node = document.getElementById("section-chart");
  var source = document.getElementById("section-chart-data");
  if (!node || !source || typeof echarts === "undefined") { return; }
  var rows = JSON.parse(source.textContent);
  var label = node.getAttribute("aria-label");
  var chart = echarts.init(node, null, { renderer: "canvas" });
  chart.setOption({
    aria: { enabled: true, decal: { show: true } },
    animation: false,
    grid: { left: 48, right: 16, top: 24, bottom: 72 },
    tooltip: { trigger: "axis" },
    xAxis: {
      type: "category",
      data: rows.map(function (r) { return r.label; }),
      axisLabel: { interval: 0, rotate: rows.length > 4 ? 20 : 0, color: "#1a1a1a" }
    },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: "#1a1a1a" } },
    series: [{
      name: node.getAttribute("data-series-name"),
      type: "bar",
      data: rows.map(function (r) { return r.average === null ? 0 : Number(r.average); }),
      itemStyle: { color: "#0b4f8a" },
      label: { show: true, position: "top", formatter: "{c}%", color: "#1a1a1a" }
    }]
  });
  // ECharts writes its own (English) aria-label on the container; keep the page's translated one.
  node.setAttribute("aria-label", label);
  window.addEventListener("resize", function () { chart.resize(); });
}());
