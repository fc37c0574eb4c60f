"""Form helpers shared by every app: Bootstrap classes and accessible error wiring."""

from django import forms


class StyledFormMixin:
    """Adds Bootstrap classes and ``aria-invalid`` to widgets; keeps forms thin elsewhere."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else ""
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                attrs = self.fields[name].widget.attrs  # type: ignore[attr-defined]
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"
