/* Maps of Allô Mairie (Leaflet): the intake point (movable by mouse and keyboard), a fiche and
   its neighbours, the clustered queues. Every map has a text alternative on its page. */
(function () {
  "use strict";
  var MARSEILLE = [43.2965, 5.3698];
  var STEP = 5;
  var BIG_STEP = 25;
  var maps = {};

  function metresToLat(m) { return m / 111320; }
  function metresToLon(m, lat) { return m / (111320 * Math.max(Math.cos(lat * Math.PI / 180), 0.01)); }

  function readPoints(el) {
    var node = el.dataset.points && document.getElementById(el.dataset.points);
    return node ? JSON.parse(node.textContent) : [];
  }

  function neighbourMarker(point) {
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: 8, color: "#7a3e00", weight: 2, fillColor: "#fd7e14", fillOpacity: 0.85,
      className: "places-neighbour"
    });
    marker.bindTooltip(point.label);
    if (point.url) {
      marker.on("click", function () { window.location.href = point.url; });
    }
    return marker;
  }

  function pointMarker(point) {
    var marker = L.marker([point.lat, point.lon], { title: point.label, alt: point.label, keyboard: true });
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.label;
    marker.bindPopup(link);
    return marker;
  }

  function announce(state, text) {
    var status = document.getElementById(state.el.id + "-status");
    if (status) { status.textContent = text; }
  }

  function setInputs(state, latlng) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (!lat || !lon) { return; }
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    lon.dispatchEvent(new Event("change", { bubbles: true }));
    clearTimeout(state.reverseTimer);
    var url = state.el.dataset.reverseUrl;
    if (url && window.htmx) {
      state.reverseTimer = setTimeout(function () {
        window.htmx.ajax("GET", url + "?lat=" + lat.value + "&lon=" + lon.value,
          { target: "#" + state.el.id + "-reverse", swap: "innerHTML" });
      }, 400);
    }
  }

  function placeMarker(state, latlng, zoom) {
    if (!state.marker) {
      state.marker = L.marker(latlng, {
        draggable: !!state.el.dataset.editable, keyboard: true,
        title: state.el.dataset.markerLabel, alt: state.el.dataset.markerLabel
      }).addTo(state.map);
      if (state.el.dataset.editable) {
        state.marker.on("dragend", function () { moved(state); });
        state.marker.getElement().addEventListener("keydown", function (event) { onKey(state, event); });
      }
    } else {
      state.marker.setLatLng(latlng);
    }
    state.map.setView(latlng, zoom || Math.max(state.map.getZoom(), 17));
  }

  function moved(state) {
    var at = state.marker.getLatLng();
    setInputs(state, at);
    announce(state, state.el.dataset.movedText + "\u202f: " + at.lat.toFixed(5) + ", " + at.lng.toFixed(5));
  }

  function onKey(state, event) {
    var moves = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };
    var move = moves[event.key];
    if (!move) { return; }
    event.preventDefault();
    event.stopPropagation();
    var step = event.shiftKey ? BIG_STEP : STEP;
    var at = state.marker.getLatLng();
    var next = L.latLng(at.lat + metresToLat(move[0] * step), at.lng + metresToLon(move[1] * step, at.lat));
    state.marker.setLatLng(next);
    state.map.panTo(next);
    moved(state);
  }

  function drawNeighbours(state, points) {
    if (state.neighbours) { state.map.removeLayer(state.neighbours); }
    state.neighbours = L.layerGroup(points.map(neighbourMarker)).addTo(state.map);
  }

  function init(el) {
    if (el.dataset.ready || !window.L) { return; }
    el.dataset.ready = "1";
    // The icons' own (hashed) URLs: Leaflet's guess from its CSS fails on fingerprinted files.
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: el.dataset.icon, iconRetinaUrl: el.dataset.icon2x, shadowUrl: el.dataset.shadow
    });
    var hasPoint = el.dataset.lat && el.dataset.lon;
    var centre = hasPoint ? [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)] : MARSEILLE;
    var map = L.map(el, { center: centre, zoom: hasPoint ? 17 : 12, maxZoom: 19, keyboard: true, zoomControl: false });
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    }
    var state = { map: map, el: el, marker: null };
    maps[el.id] = state;
    var points = readPoints(el);
    if (el.dataset.cluster) {
      var group = L.markerClusterGroup ? L.markerClusterGroup() : L.featureGroup();
      points.forEach(function (p) { group.addLayer(pointMarker(p)); });
      map.addLayer(group);
      if (points.length) { map.fitBounds(group.getBounds(), { maxZoom: 17, padding: [20, 20] }); }
    } else if (points.length) {
      drawNeighbours(state, points);
    }
    if (hasPoint && !el.dataset.cluster) { placeMarker(state, centre, 17); }
    if (el.dataset.editable) {
      map.on("click", function (event) { placeMarker(state, event.latlng); moved(state); });
    }
  }

  function initAll() {
    document.querySelectorAll(".places-map").forEach(init);
  }

  document.addEventListener("DOMContentLoaded", initAll);
  document.addEventListener("htmx:afterSettle", function (event) {
    initAll();
    if (event.target && event.target.id === "duplicates") {
      var intake = maps["intake-map"];
      if (!intake) { return; }
      var found = [];
      event.target.querySelectorAll("[data-lat]").forEach(function (item) {
        found.push({ lat: parseFloat(item.dataset.lat), lon: parseFloat(item.dataset.lon), label: item.dataset.label });
      });
      drawNeighbours(intake, found);
    }
  });
  document.addEventListener("places:picked", function (event) {
    var intake = maps["intake-map"];
    if (intake) { placeMarker(intake, L.latLng(event.detail.lat, event.detail.lon), 18); }
  });
})();
