/* Admin map editor: click to set the point (latitude/longitude inputs), or click corners to draw the
   outline (JSON list of [lat, lng] in the outline textarea). WGS-84, 6 decimals (about 0.1 m). */
(function () {
  "use strict";
  function round(value) { return Math.round(value * 1e6) / 1e6; }

  function setUp(editor) {
    var latInput = document.getElementById(editor.dataset.latInput);
    var lngInput = document.getElementById(editor.dataset.lngInput);
    var outlineInput = document.getElementById(editor.dataset.outlineInput);
    var center = (editor.dataset.center || "30.64,114.39").split(",").map(Number);
    var map = L.map(editor.querySelector(".map-editor-map")).setView(center, Number(editor.dataset.zoom || 12));
    if (editor.dataset.tiles) {
      L.tileLayer(editor.dataset.tiles, { attribution: editor.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var mode = "point";
    var marker = null;
    var polygon = null;
    var corners = [];
    try { corners = JSON.parse(outlineInput.value || "null") || []; } catch (error) { corners = []; }

    function drawPoint() {
      var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      if (marker) { map.removeLayer(marker); marker = null; }
      if (!isNaN(lat) && !isNaN(lng)) {
        marker = L.circleMarker([lat, lng], { radius: 9, className: "map-editor-point" }).addTo(map);
      }
    }
    function drawOutline() {
      if (polygon) { map.removeLayer(polygon); polygon = null; }
      if (corners.length) {
        polygon = (corners.length > 2 ? L.polygon : L.polyline)(corners, { className: "map-editor-outline" }).addTo(map);
      }
      outlineInput.value = corners.length ? JSON.stringify(corners) : "";
    }
    function setMode(next) {
      mode = next;
      editor.querySelectorAll("[data-action=point],[data-action=outline]").forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.action === mode));
      });
    }
    map.on("click", function (event) {
      var lat = round(event.latlng.lat), lng = round(event.latlng.lng);
      if (mode === "point") {
        latInput.value = lat; lngInput.value = lng; drawPoint();
      } else {
        corners.push([lat, lng]); drawOutline();
      }
    });
    editor.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.action;
      if (!action) { return; }
      if (action === "point" || action === "outline") { setMode(action); }
      if (action === "undo") { corners.pop(); drawOutline(); }
      if (action === "clear-outline") { corners = []; drawOutline(); }
      if (action === "clear-point") { latInput.value = ""; lngInput.value = ""; drawPoint(); }
    });
    [latInput, lngInput].forEach(function (input) { if (input) { input.addEventListener("change", drawPoint); } });
    drawPoint();
    if (corners.length) { drawOutline(); }
    var shown = [];
    if (marker) { shown.push(marker.getLatLng()); }
    corners.forEach(function (corner) { shown.push(corner); });
    if (shown.length) { map.fitBounds(L.latLngBounds(shown), { maxZoom: 16, padding: [20, 20] }); }
    editor.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    document.querySelectorAll(".map-editor").forEach(setUp);
  });
}());
