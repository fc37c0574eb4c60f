"""Pages of the cost sharing: for finance officers (who act) and committee members (who read)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import services as agreement_services
from agreements.models import Agreement
from agreements.selectors import visible_agreements
from core.exports import csv_response
from finance import selectors, services
from finance.counting import CountingRule
from finance.documents import renewal_letter_pdf
from finance.forms import (
    CancelForm,
    DayForm,
    LineFormSet,
    NoticeForm,
    PaidForm,
    RenewalAnswerForm,
    RuleForm,
    SheetForm,
)
from finance.models import AllocationKey, CostSheet, RevenueOrder
from organisations.access import scope_for


def finance_access(*, manage: bool = False):
    """Finance officers and committee members read (and validate keys); only finance
    officers record, compute and issue."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs):
            scope = scope_for(request.user)
            if not (scope.manages_finance if manage else scope.sees_finance):
                raise PermissionDenied
            request.finance_agreements = visible_agreements(scope)
            request.manages_finance = scope.manages_finance
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    return get_object_or_404(request.finance_agreements, pk=pk)


def _year(agreement: Agreement, year: int) -> int:
    if not 1 <= year <= agreement.years_agreed:
        raise Http404
    return year


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@finance_access()
def index(request: HttpRequest) -> HttpResponse:
    agreements = list(request.finance_agreements)
    today = timezone.localdate()
    return render(
        request,
        "finance/index.html",
        {
            "agreements": [(a, a.current_year(today)) for a in agreements],
            "due": selectors.next_due(request.finance_agreements, today),
        },
    )


@finance_access()
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    return render(
        request, "finance/agreement.html", _agreement_context(request, agreement, _agreement_forms(agreement))
    )


def _agreement_context(request: HttpRequest, agreement: Agreement, forms_: dict) -> dict:
    return {
        "agreement": agreement,
        "years": [(n, agreement.year(n)) for n in range(1, agreement.years_agreed + 1)],
        "renewals": agreement.renewals.order_by("year"),
        "annexes": agreement.annexes.all(),
        "manages": request.manages_finance,
        "action_forms": [
            ("letter", forms_["letter_form"], _("Renewal letter sent"), _("Record the sending")),
            ("answer", forms_["answer_form"], _("Partner's answer"), _("Record the answer")),
            ("notice", forms_["notice_form"], _("Notice of termination"), _("Record the notice")),
        ],
    }


def _agreement_forms(agreement: Agreement, data=None, which: str = "") -> dict:
    return {
        "letter_form": DayForm(data if which == "letter" else None, prefix="letter"),
        "answer_form": RenewalAnswerForm(data if which == "answer" else None, prefix="answer"),
        "notice_form": NoticeForm(data if which == "notice" else None, prefix="notice", agreement=agreement),
    }


@require_POST
@finance_access(manage=True)
def agreement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Record the renewal letter sent, the partner's answer, or a notice of termination."""
    agreement = _agreement(request, pk)
    if action not in ("letter", "answer", "notice"):
        raise Http404
    forms_ = _agreement_forms(agreement, request.POST, action)
    form = forms_[f"{action}_form"]
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            if action == "letter":
                agreement_services.record_renewal_letter(agreement, agreement.years_agreed, day)
            elif action == "answer":
                agreement_services.record_renewal_answer(
                    agreement, agreement.years_agreed, form.cleaned_data["answer"], day
                )
            else:
                operator = str(agreement.operator_id) == form.cleaned_data["served_by"]
                agreement_services.serve_notice(
                    agreement, agreement.operator if operator else agreement.partner, day
                )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Recorded."))
            return redirect("finance:agreement", pk=agreement.pk)
    return render(
        request, "finance/agreement.html", _agreement_context(request, agreement, forms_), status=400
    )


@finance_access()
def annex_file(request: HttpRequest, pk: int, annex: int) -> FileResponse:
    """An annex of a convention (financial sheet, forecast, nomenclature, amendment)."""
    found = get_object_or_404(_agreement(request, pk).annexes, pk=annex)
    name = found.file.name.rsplit("/", 1)[-1]
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=name)


@finance_access()
def renewal_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft renewal letter (PDF) for the current last year."""
    agreement = _agreement(request, pk)
    return HttpResponse(renewal_letter_pdf(agreement, timezone.localdate()), content_type="application/pdf")


@finance_access()
def year_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    plan = selectors.schedule(agreement, _year(agreement, year))
    sheet = CostSheet.objects.filter(agreement=agreement, year=year).first()
    rule = CountingRule.from_dict(plan.key.rule) if plan.key else CountingRule()
    return render(
        request,
        "finance/year.html",
        {
            "agreement": agreement,
            "plan": plan,
            "sheet": sheet,
            "lines": sheet.lines.select_related("category") if sheet else [],
            "rule": rule,
            "rule_form": RuleForm(initial=RuleForm.initial_for(rule)),
            "manages": request.manages_finance,
        },
    )


@finance_access(manage=True)
def sheet_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    _year(agreement, year)
    sheet = CostSheet.objects.filter(agreement=agreement, year=year).first()
    if request.method == "POST":
        form, lines = SheetForm(request.POST), LineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            entries = [
                services.LineInput(line["category"].pk, line["label"], line["amount"])
                for line in lines.cleaned_data
                if line.get("category") and line.get("amount") is not None
            ]
            try:
                services.save_cost_sheet(
                    agreement,
                    year,
                    entries,
                    request.user,
                    form.cleaned_data["forecast"],
                    form.cleaned_data["notes"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The financial sheet is recorded."))
                return redirect("finance:year", pk=agreement.pk, year=year)
        status = 400
    else:
        initial = [
            {"category": line.category_id, "label": line.label, "amount": line.amount}
            for line in (sheet.lines.all() if sheet else [])
        ]
        form = SheetForm(initial={"forecast": sheet.forecast, "notes": sheet.notes} if sheet else None)
        lines = LineFormSet(prefix="lines", initial=initial)
        status = 200
    return render(
        request,
        "finance/sheet_form.html",
        {"agreement": agreement, "year": year, "form": form, "lines": lines},
        status=status,
    )


@require_POST
@finance_access(manage=True)
def key_compute(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    form = RuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The counting rule is not valid."))
        return redirect("finance:year", pk=agreement.pk, year=_year(agreement, year))
    try:
        services.compute_key(agreement, _year(agreement, year), form.rule())
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("The key is computed from the fiches. Check it, then validate it."))
    return redirect("finance:year", pk=agreement.pk, year=year)


@require_POST
@finance_access()
def key_validate(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    key = get_object_or_404(AllocationKey, agreement=agreement, year=_year(agreement, year))
    try:
        services.validate_key(key, request.user)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("The key is validated and frozen."))
    return redirect("finance:year", pk=agreement.pk, year=year)


@require_POST
@finance_access(manage=True)
def order_issue(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    try:
        order = services.issue_order(agreement, _year(agreement, year), quarter, request.user)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("Revenue order %(number)s issued.") % {"number": order.number})
    return redirect("finance:year", pk=agreement.pk, year=year)


def _orders(request: HttpRequest):
    return RevenueOrder.objects.filter(agreement__in=request.finance_agreements).select_related(
        "agreement", "replaces"
    )


@finance_access()
def register(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "finance/register.html",
        {"orders": _orders(request), "manages": request.manages_finance, "today": timezone.localdate()},
    )


@finance_access()
def register_csv(request: HttpRequest):
    header = [
        "numero", "convention", "annee", "echeance_no", "nature", "debiteur", "objet", "montant",
        "date_emission", "date_echeance", "statut", "date_paiement", "annule_le", "remplace",
    ]  # fmt: skip
    rows = (
        [
            o.number,
            o.agreement.reference,
            o.year,
            o.quarter,
            o.kind,
            o.debtor.splitlines()[0],
            o.object,
            f"{o.amount:.2f}".replace(".", ","),
            o.issued_on.isoformat(),
            o.due_on.isoformat(),
            o.status,
            o.paid_on.isoformat() if o.paid_on else "",
            o.cancelled_on.isoformat() if o.cancelled_on else "",
            o.replaces.number if o.replaces else "",
        ]  # fmt: skip
        for o in _orders(request).order_by("issued_on", "number").iterator()
    )
    return csv_response("titres-de-recettes", header, rows)


@finance_access()
def order_pdf(request: HttpRequest, number: str) -> FileResponse:
    order = get_object_or_404(_orders(request), number=number)
    if not order.pdf:
        raise Http404
    return FileResponse(
        order.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{order.number}.pdf",
    )


@require_POST
@finance_access(manage=True)
def order_paid(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(_orders(request), number=number)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date of payment."))
        return redirect("finance:register")
    try:
        services.mark_paid(order, form.cleaned_data["paid_on"])
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    return redirect("finance:register")


@finance_access(manage=True)
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(_orders(request), number=number)
    status = 200
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                corrective = services.cancel_order(
                    order, form.cleaned_data["reason"], request.user, reissue=form.cleaned_data["reissue"]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if corrective:
                    messages.success(
                        request, _("Order cancelled and replaced by %(n)s.") % {"n": corrective.number}
                    )
                else:
                    messages.success(request, _("Order cancelled."))
                return redirect("finance:register")
        status = 400
    else:
        form = CancelForm()
    return render(request, "finance/cancel.html", {"order": order, "form": form}, status=status)
