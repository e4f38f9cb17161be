/* 招商地图: draws the places of /map/data.json (same filters as the page) with Leaflet.
   No inline script or style: settings come from data- attributes, colours from site.css classes.
   Names are set as text (never as HTML). */
(function () {
  "use strict";
  var element = document.getElementById("portal-map");
  if (!element || !window.L) { return; }
  var center = (element.dataset.center || "30.64,114.39").split(",").map(Number);
  var map = L.map(element, { scrollWheelZoom: false }).setView(center, Number(element.dataset.zoom || 12));
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  } else {
    element.classList.add("portal-map-plain");
  }

  function link(place) {
    var wrapper = document.createElement("div");
    var kind = document.createElement("div");
    kind.className = "map-popup-kind";
    kind.textContent = place.kind_label;
    var anchor = document.createElement("a");
    anchor.href = place.url;
    anchor.textContent = place.name;
    wrapper.appendChild(kind);
    wrapper.appendChild(anchor);
    return wrapper;
  }

  function label(place) {
    var span = document.createElement("span");
    span.textContent = place.name;
    return span;
  }

  fetch(element.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var bounds = [];
      data.places.forEach(function (place) {
        var kindClass = "map-" + place.kind;
        if (place.outline) {
          L.polygon(place.outline, { className: "map-outline " + kindClass, weight: 2 })
            .bindPopup(link(place)).addTo(map);
          bounds = bounds.concat(place.outline);
        }
        if (place.lat !== null && place.lng !== null) {
          L.circleMarker([place.lat, place.lng], { radius: 9, className: "map-point " + kindClass, weight: 2 })
            .bindTooltip(label(place)).bindPopup(link(place)).addTo(map);
          bounds.push([place.lat, place.lng]);
        }
      });
      element.dataset.drawn = String(data.places.length);
      if (bounds.length) { map.fitBounds(bounds, { padding: [28, 28], maxZoom: 15 }); }
    })
    .catch(function () { element.dataset.drawn = "error"; });
}());
