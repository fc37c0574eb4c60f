from hypothesis import given
from hypothesis import strategies as st

from correspondence.smstext import fit, measure, to_gsm7

REF = "Ref. AM-2026-004213. Suivi : https://allo.example.org/suivre/ref/AM-2026-004213/"


def test_measure_gsm7_and_ucs2():
    assert measure("a" * 160).segments == 1
    assert measure("a" * 161).segments == 2
    assert measure("a" * 306).segments == 2
    assert measure("€" * 80).units == 160  # extension characters count twice
    assert measure("ô" * 70) == measure("ô" * 70)
    assert measure("ô" * 70).encoding == "UCS-2" and measure("ô" * 70).segments == 1
    assert measure("ô" * 71).segments == 2


def test_french_accents_kept_in_gsm7():
    assert to_gsm7("Prêt à être traité, œuvre ça") == "Pret à etre traité, oeuvre ca"
    assert measure(to_gsm7("Votre demande a été traitée à 10 h")).encoding == "GSM-7"


def test_fit_never_cuts_reference_or_words():
    body = "Votre demande concernant un lampadaire éteint boulevard de la Libération a été traitée " * 6
    text = fit(body, REF, max_segments=2)
    assert text.endswith(REF)
    assert measure(text).segments <= 2
    kept = text[: -len(REF)].strip()
    assert kept.endswith("...")
    assert body.replace("ê", "e").startswith(kept[:-3])
    assert kept[:-3].split(" ")[-1] in body.split(" ")


def test_short_message_unchanged():
    assert fit("Bonjour.", REF) == f"Bonjour. {REF}"


@given(st.text(alphabet="abcdéèàùç êô€[]{} ", min_size=0, max_size=800))
def test_fit_property(body):
    text = fit(body, REF, max_segments=2)
    assert REF in text
    assert measure(text).segments <= 2
