"""Second factor pages: enrolment, verification after the password, the account's security
page (recovery codes, log out everywhere)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts import services
from accounts.forms import CodeForm, EnrolForm
from accounts.policy import is_verified, role_requires_second_factor
from accounts.sessions import end_all_sessions, remember_session


def _next(request: HttpRequest) -> str:
    """Where to go once verified: a path of this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = (
        target.startswith("/")
        and len(target) <= 2000
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    )
    return target if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if is_verified(request):
        return HttpResponseRedirect(_next(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.check(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if device.name == services.RECOVERY:
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s left. Make new ones on your security page.")
                    % {"left": services.recovery_codes_left(request.user)},
                )
            return HttpResponseRedirect(_next(request))
        form.add_error(
            "token", _("This code is not valid (or was already used). Wait for the next one and try again.")
        )
    status = 400 if form.errors else 200
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=status)


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator: scan the QR code (or type the secret), confirm with a code."""
    if user_has_device(request.user, confirmed=True) and not is_verified(request):
        return redirect("accounts:verify")
    device = services.pending_device(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm(device, form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error(
            "token", _("This code does not match. Check the time of your phone and type the code shown now.")
        )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_code": services.qr_code_uri(device),
            "secret": services.secret_text(device),
            "next": _next(request),
            "required": role_requires_second_factor(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": user_has_device(request.user, confirmed=True),
            "required": role_requires_second_factor(request.user),
            "codes_left": services.recovery_codes_left(request.user),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not is_verified(request):
        return redirect("accounts:verify")
    codes = services.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": ""})


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on every computer, this one included."""
    count = end_all_sessions(request.user)
    logout(request)
    messages.success(
        request, _("You are logged out everywhere (%(count)s sessions ended).") % {"count": count}
    )
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; the session continues under a new key, recorded for "log out everywhere"
    (the user's other sessions end with the old password)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_session(self.request)
        return response
