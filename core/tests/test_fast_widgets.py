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


SELECT_CHOICES = [
    (None, "Toutes"),
    (1, "Ville <centre>"),
    ("2", "Métropole & co"),
    ('Groupe "A"', [("a1", "Un"), (3, "Trois")]),
    ("1", "Ville encore"),
]


def parsed(html: str) -> list[tuple]:
    """Elements, their attributes (in any order) and their text: Django's template indents
    its options and keeps its attributes' order, FastSelectMixin writes neither."""
    from html.parser import HTMLParser

    found: list[tuple] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, sorted(attrs)))

        def handle_endtag(self, tag):
            found.append(("/", tag))

        def handle_data(self, data):
            if data.strip():
                found.append(("text", data))

    Parser(convert_charrefs=True).feed(html)
    return found


def test_selects_are_djangos():
    """FastSelect and FastSelectMultiple write Django's options: groups, values as text, the
    first match only selected in a single select, every match in a multiple one, escaped."""
    from core.forms import FastSelect, FastSelectMultiple

    attrs = {"class": "form-select", "data-x": 'a"b', "required": True, "disabled": False}
    for fast, django in ((FastSelect, forms.Select), (FastSelectMultiple, forms.SelectMultiple)):
        for value in (None, "", 1, "1", ["1", "a1"], [3], "absent"):
            expected = django(attrs=attrs, choices=SELECT_CHOICES).render("body", value, {"id": "id_body"})
            written = fast(attrs=attrs, choices=SELECT_CHOICES).render("body", value, {"id": "id_body"})
            assert parsed(written) == parsed(expected)
            assert "&lt;centre&gt;" in written and 'label="Groupe &quot;A&quot;"' in written


def test_select_options_follow_their_labels_and_the_language():
    """The options written once are keyed by their text: a renamed choice or another language
    writes new options, never the ones written before."""
    from django.utils import translation

    from core.forms import FastSelect
    from fiches.models import Status

    widget = FastSelect(choices=[("", Status.NEW.label), ("1", "Ville")])
    with translation.override("fr"):
        assert widget.render("body", "1") == (
            '<select name="body"><option value="">Nouvelle</option>'
            '<option value="1" selected>Ville</option></select>'
        )
    with translation.override("en"):
        assert '<option value="">New</option>' in widget.render("body", "1")
    widget.choices = [("", Status.NEW.label), ("1", "Ville de Marseille")]
    with translation.override("fr"):
        assert '<option value="1" selected>Ville de Marseille</option>' in widget.render("body", "1")


def test_a_styled_checkbox_is_laid_out_as_a_checkbox():
    """The fast inputs keep their widget's type for the templates: a single checkbox comes
    before its label in a form-check (it came after a form-label, as a text field)."""
    from django.template.loader import render_to_string

    from core.forms import StyledFormMixin

    class Form(StyledFormMixin, forms.Form):
        late = forms.BooleanField(label="Late", required=False)

    field = Form()["late"]
    assert field.widget_type == "checkbox"
    html = render_to_string("core/field.html", {"field": field})
    assert '<div class="form-check"><input type="checkbox" name="late"' in html
    assert 'class="form-check-label" for="id_late">Late</label>' in html


# core/field.html as the template engine wrote it before the form_field tag
FIELD_TEMPLATE = """<div class="mb-2 {{ wrapper_class }}">
  {% if field.widget_type == "checkbox" %}
  <div class="form-check">{{ field }} <label class="form-check-label" for="{{ field.id_for_label }}">{{ field.label }}</label></div>
  {% else %}
  <label class="form-label" for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span aria-hidden="true">*</span>{% endif %}</label>
  {{ field }}
  {% endif %}
  {% if field.help_text %}<div class="form-text" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</div>{% endif %}
  {% if field.errors %}<ul class="errorlist" id="{{ field.auto_id }}_error">{% for e in field.errors %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
</div>
"""  # noqa: E501 - the template as it was


def test_the_form_field_tag_writes_what_the_field_template_wrote():
    """Labels, help texts and errors escaped, the required star, a checkbox's layout, a
    wrapper's classes: ``{% form_field %}`` (core/field.html) against the old template."""
    from django.template import Context, Template
    from django.template.loader import render_to_string

    from core.forms import StyledFormMixin

    class Form(StyledFormMixin, forms.Form):
        name = forms.CharField(label="Nom <complet>", help_text="Tel qu'écrit & signé", max_length=3)
        late = forms.BooleanField(label="En retard", required=False)
        kind = forms.ChoiceField(label="Type", choices=CHOICES, required=False)
        when = forms.DateField(label="Date", required=False)

    old = Template(FIELD_TEMPLATE)
    for form in (Form(), Form({"name": "<script>", "late": "on", "kind": "nope", "when": "2026-13-01"})):
        form.is_valid()
        for field in form:
            for wrapper in ("", "col-md-3", 'x" onclick="y'):
                context = {"field": field, "wrapper_class": wrapper}
                assert render_to_string("core/field.html", context) == old.render(Context(context))
    assert Form({"name": "<script>"})["name"].errors  # errors were written


def test_the_form_choices_tag_writes_what_the_template_loop_wrote():
    from django.template import Context, Template

    from core.forms import StyledFormMixin

    class Form(StyledFormMixin, forms.Form):
        status = forms.MultipleChoiceField(
            choices=CHOICES,
            required=False,
            widget=FastCheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )

    loop = Template(
        '{% for choice in field %}<div class="form-check">{{ choice.tag }}<label class="form-check-label" '
        'for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}'
    )
    tag = Template("{% load display %}{% form_choices field %}")
    for form in (Form(), Form({"status": ["transmitted", "waiting"]})):
        context = Context({"field": form["status"]})
        assert tag.render(context) == loop.render(context)
    assert "Transmise &lt;à la cellule&gt;" in tag.render(context)


def test_html_text_is_conditional_escape():
    from django.utils.functional import lazy
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from core.forms import html_text

    lazy_text = lazy(lambda: "<b>'Paris' & \"Marseille\"</b>", str)()
    lazy_safe = mark_safe(lazy(lambda: "<b>sûr</b>", str)())
    values = ["<b>'a' & \"b\"</b>", mark_safe("<i>ok</i>"), lazy_text, lazy_safe, 12, None, 1.5, ""]
    for value in values:
        assert html_text(value) == conditional_escape(value)


def test_a_refused_fields_description_is_its_error_list_with_a_prefix_too():
    """``aria-describedby`` names the id of the error list the field is written with, the
    form's prefix included (a work page's hold form: ``id_hold-reason_error``)."""
    from core.forms import StyledFormMixin
    from core.templatetags.display import form_field

    class Form(StyledFormMixin, forms.Form):
        reason = forms.CharField(max_length=3)

    for prefix, expected in ((None, "id_reason_error"), ("hold", "id_hold-reason_error")):
        form = Form({"hold-reason" if prefix else "reason": "trop long"}, prefix=prefix)
        assert not form.is_valid()
        html = str(form_field(form["reason"]))
        assert f'aria-describedby="{expected}"' in html and f'id="{expected}"' in html
