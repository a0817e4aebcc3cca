// Appended by ChartBrowserTest to a copy of a --chart page (never to the page the command writes). Once ECharts'
// entry animations are over, it hides each chart's legend (whose entries leave with the series), counts the canvas
// pixels with ink (any colour channel below 200), clears the chart's series and counts again: what is left is axes,
// grid and labels. The result goes into a pre element, id equirisk-check, as JSON, for the test to read from
// Chromium's --dump-dom. ECharts paints on the next frame after a change, hence the waits.
(function () {
  var SETTLE_MS = 3000; /* ECharts animates for 1 s by default, after a delay per item */
  var PAINT_MS = 500;
  function ink(el) {
    var canvas = el.querySelector('canvas');
    var d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    var n = 0;
    for (var i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) {
        n++;
      }
    }
    return n;
  }
  var elements = [].slice.call(document.querySelectorAll('div.chart'));
  var instances = elements.map(function (el) {
    return el.querySelector('canvas') ? echarts.getInstanceByDom(el) : null;
  });
  var charts = [];
  setTimeout(function () {
    instances.forEach(function (chart) {
      if (chart) {
        chart.setOption({animation: false, legend: {show: false}});
      }
    });
    setTimeout(function () {
      charts = instances.map(function (chart, i) {
        if (!chart) {
          return null;
        }
        var drawn = {id: elements[i].id, series: chart.getOption().series.length, width: chart.getWidth(),
                     height: chart.getHeight(), ink: ink(elements[i])};
        chart.setOption({series: []}, {replaceMerge: ['series']});
        return drawn;
      });
      setTimeout(function () {
        charts.forEach(function (drawn, i) {
          if (drawn) {
            drawn.inkWithoutSeries = ink(elements[i]);
          }
        });
        var pre = document.createElement('pre');
        pre.id = 'equirisk-check';
        pre.textContent = JSON.stringify({errors: window.equiriskErrors, charts: charts});
        document.body.appendChild(pre);
      }, PAINT_MS);
    }, PAINT_MS);
  }, SETTLE_MS);
})();
