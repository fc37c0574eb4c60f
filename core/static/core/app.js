// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// Intake, keyboard first: Down arrow from the type search goes to the matching types.
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowDown" || event.target.id !== "id_type_query") return;
  const option = document.querySelector("#type-options input[type=radio]:checked")
    || document.querySelector("#type-options input[type=radio]");
  if (option) {
    event.preventDefault();
    option.focus();
  }
});

// After a caller is chosen, continue in their details rather than losing the focus.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id === "requester-fields") {
    const field = document.getElementById("id_phone");
    if (field) field.focus();
  }
});
