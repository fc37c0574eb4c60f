from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from agreements.selectors import visible_agreements
from fiches.selectors import home_counters
from finance.selectors import next_due
from organisations.access import scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    finance_due = next_due(visible_agreements(scope), timezone.localdate()) if scope.manages_finance else None
    return render(
        request, "core/home.html", {"counters": home_counters(request.user), "finance_due": finance_due}
    )
