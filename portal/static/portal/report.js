/* The online form: the address type-ahead needs JavaScript, so it is shown only when it runs;
   without it the number, street and postal-code fields are filled in by hand. */
(function () {
  "use strict";
  var finder = document.getElementById("address-finder");
  if (finder) { finder.hidden = false; }
})();
