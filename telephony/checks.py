"""System checks of the telephony settings: a wrong value stops `manage.py` with a clear
message instead of an error on the first statistics page."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from telephony import erlang
from telephony.kpi import SL_FORMULAS


@register()
def telephony_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    formula = settings.TELEPHONY_SL_FORMULA
    if formula not in SL_FORMULAS:
        errors.append(
            Error(
                f"TELEPHONY_SL_FORMULA is {formula!r}",
                hint=f"Use one of {', '.join(sorted(SL_FORMULAS))} (docs/telephony.md).",
                id="telephony.E001",
            )
        )
    for name in ("TELEPHONY_SL_THRESHOLD", "TELEPHONY_SHORT_ABANDON", "TELEPHONY_AFTER_CALL_WORK"):
        if getattr(settings, name) < 0:
            errors.append(
                Error(f"{name} is negative", hint="A number of seconds, 0 or more.", id="telephony.E002")
            )
    if settings.TELEPHONY_SL_THRESHOLD > erlang.THRESHOLD_MAX:
        errors.append(
            Error(
                f"TELEPHONY_SL_THRESHOLD is {settings.TELEPHONY_SL_THRESHOLD}",
                hint=f"A number of seconds, at most {erlang.THRESHOLD_MAX}.",
                id="telephony.E002",
            )
        )
    target, shrinkage = settings.TELEPHONY_SL_TARGET, settings.TELEPHONY_SHRINKAGE
    if not 0 < target <= 1:
        errors.append(
            Error(
                f"TELEPHONY_SL_TARGET is {target}",
                hint="A share above 0, at most 1, e.g. 0.8.",
                id="telephony.E003",
            )
        )
    if not 0 <= shrinkage <= erlang.SHRINKAGE_MAX:
        errors.append(
            Error(
                f"TELEPHONY_SHRINKAGE is {shrinkage}",
                hint=f"The share of paid time off the phones, from 0 to {erlang.SHRINKAGE_MAX}, e.g. 0.3.",
                id="telephony.E003",
            )
        )
    return errors
