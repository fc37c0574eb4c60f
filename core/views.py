from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fiches.selectors import home_counters


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"counters": home_counters(request.user)})
