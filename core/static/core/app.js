// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// htmx puts in place only the answers that succeed: a refused or lost request would change
// nothing on screen and say nothing. The page says so until a request succeeds again (an
// alert only while shown: otherwise the page's own alerts are the only ones).
function requestError(kind) {
  const box = document.getElementById("request-error");
  if (!box) return;
  if (kind) {
    box.textContent = box.dataset[kind];
    box.className = "alert alert-danger";
    box.setAttribute("role", "alert");
  } else {
    box.className = "";
    box.removeAttribute("role");
  }
  box.hidden = !kind;
}
document.addEventListener("htmx:responseError", () => requestError("failed"));
document.addEventListener("htmx:sendError", () => requestError("offline"));
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) requestError(null);
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
