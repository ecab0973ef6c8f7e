// The KPI dashboard's charts (ECharts), drawn from the page's json_script data.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var trendBox = document.getElementById("trend-chart");
    if (trendBox) {
      var trend = echarts.init(trendBox);
      trend.setOption({
        tooltip: { trigger: "axis" },
        legend: { data: [data.labels.sales, data.labels.collected], bottom: 0 },
        grid: { left: 8, right: 8, top: 16, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: data.trend.months },
        yAxis: { type: "value" },
        series: [
          { name: data.labels.sales, type: "bar", data: data.trend.sales },
          { name: data.labels.collected, type: "line", data: data.trend.collected },
        ],
      });
      charts.push(trend);
    }
    var funnelBox = document.getElementById("funnel-chart");
    if (funnelBox) {
      var funnel = echarts.init(funnelBox);
      funnel.setOption({
        tooltip: { trigger: "item" },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", data: data.funnel,
                   label: { show: true, position: "inside" } }],
      });
      charts.push(funnel);
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
