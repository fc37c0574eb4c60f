// Starts Redoc on the partner API's schema (an external script: the site's CSP has no inline scripts;
// no search, whose web worker the CSP would refuse).
(function () {
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, { disableSearch: true }, container);
})();
