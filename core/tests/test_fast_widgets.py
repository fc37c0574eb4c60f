"""The widgets written in Python (core.forms) write the HTML Django's form templates write."""

from django import forms

from core.forms import FastCheckboxSelectMultiple

CHOICES = [("new", "Nouvelle"), ("transmitted", "Transmise <à la cellule>"), ("waiting", "En attente")]


def test_checkbox_options_are_djangos():
    attrs = {"class": "form-check-input", "data-x": 'a"b', "required": True, "disabled": False}
    fast, django = FastCheckboxSelectMultiple(attrs=attrs), forms.CheckboxSelectMultiple(attrs=attrs)

    class Form(forms.Form):
        status = forms.MultipleChoiceField(choices=CHOICES, required=False)

    def tags(widget) -> list[str]:
        form = Form({"status": ["transmitted", "waiting"]})
        form.fields["status"].widget, widget.choices = widget, CHOICES
        field = form["status"]
        return [str(choice.tag(wrap_label=wrap)) for wrap in (False, True) for choice in field]

    expected = tags(django)
    assert tags(fast) == expected
    checked = '"transmitted" class="form-check-input" data-x="a&quot;b" required id="id_status_1" checked>'
    assert expected[1].endswith(checked)


def test_inputs_are_djangos_attributes_in_their_order():
    """StyledFormMixin's inputs (FastInputMixin) write Django's HTML, attributes unsorted."""
    from core.forms import FastInputMixin

    attrs = {"maxlength": 12, "class": "form-control", "data-x": 'a"b', "required": True, "disabled": False}
    for widget in (forms.TextInput, forms.EmailInput, forms.NumberInput):
        fast = type("Fast", (FastInputMixin, widget), {})(attrs=attrs)
        for value in ("3 <b>", None):
            assert str(fast.render("street", value)) == str(widget(attrs=attrs).render("street", value))


def test_the_note_forms_version_is_djangos_hidden_input():
    """The fiche page writes the note form's ``expected_version`` (a fast hidden input)."""
    from fiches.forms import NoteForm

    fast = NoteForm(initial={"expected_version": 3})["expected_version"]
    assert type(fast.field.widget) is not forms.HiddenInput
    django = NoteForm(initial={"expected_version": 3})
    django.fields["expected_version"].widget = forms.HiddenInput()
    expected = '<input type="hidden" name="expected_version" value="3" id="id_expected_version">'
    assert str(fast) == str(django["expected_version"]) == expected
