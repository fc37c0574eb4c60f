/* The address combobox of intake (ARIA 1.2 combobox with a listbox popup): type, arrows to
   choose, Enter to pick, Escape to close. Picking fills the address fields and the map. */
(function () {
  "use strict";
  var FIELDS = {
    number: "id_street_number", street: "id_street_name", postalCode: "id_postal_code",
    quartier: "id_quartier", lat: "id_latitude", lon: "id_longitude", addressId: "id_address_id"
  };

  function parts() {
    var input = document.getElementById("address-query");
    return input && { input: input, list: document.getElementById(input.getAttribute("aria-controls")),
      status: document.getElementById("address-status") };
  }

  function options(p) { return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]")); }

  function open(p, isOpen) {
    p.input.setAttribute("aria-expanded", isOpen ? "true" : "false");
    if (!isOpen) {
      p.list.innerHTML = "";
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function activate(p, option) {
    options(p).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function setField(name, value) {
    var field = document.getElementById(FIELDS[name]);
    if (field) { field.value = value; }
  }

  function pick(p, option) {
    var d = option.dataset;
    setField("number", d.number);
    setField("street", d.street);
    setField("postalCode", d.postalCode);
    setField("quartier", d.quartier);
    setField("lat", d.lat);
    setField("lon", d.lon);
    setField("addressId", d.addressId || "");
    p.input.value = d.label;
    open(p, false);
    p.status.textContent = p.input.dataset.pickedText + "\u202f: " + d.label;
    var lon = document.getElementById(FIELDS.lon);
    if (lon) { lon.dispatchEvent(new Event("change", { bubbles: true })); }
    document.dispatchEvent(new CustomEvent("places:picked",
      { detail: { lat: parseFloat(d.lat), lon: parseFloat(d.lon) } }));
  }

  document.addEventListener("keydown", function (event) {
    var p = parts();
    if (!p || event.target !== p.input) { return; }
    var all = options(p);
    var current = all.indexOf(p.list.querySelector("[aria-selected=true]"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) { return; }
      event.preventDefault();
      var next = event.key === "ArrowDown" ? Math.min(current + 1, all.length - 1) : Math.max(current - 1, 0);
      activate(p, all[next]);
    } else if (event.key === "Enter") {
      if (p.input.getAttribute("aria-expanded") === "true") { event.preventDefault(); }
      if (current >= 0) { pick(p, all[current]); }
    } else if (event.key === "Escape") {
      open(p, false);
    }
  });

  document.addEventListener("click", function (event) {
    var p = parts();
    var option = p && event.target.closest && event.target.closest("#" + p.list.id + " [role=option]");
    if (option) { pick(p, option); }
  });

  document.addEventListener("input", function (event) {
    var p = parts();
    if (!p) { return; }
    var typed = ["number", "street", "postalCode"].some(function (name) { return event.target.id === FIELDS[name]; });
    if (typed) { setField("addressId", ""); }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var p = parts();
    if (!p || event.target !== p.list) { return; }
    var count = options(p).length;
    open(p, count > 0);
    if (count) { activate(p, null); }
  });
})();
