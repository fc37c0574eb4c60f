"""Simulate a convention year: quarter ends, instalments, revised key, settlement, renewal
deadline, next year's instalments and, with a notice, the effective end.

    manage.py cost_sharing --notified 2009-03-01 --expenses 2468135.47 --provisional-key 0.45 \\
        --partner-fiches 61234 --total-fiches 133021 [--next-expenses X] \\
        [--notice-served YYYY-MM-DD] --format json|text
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from finance.money import Key
from finance.simulation import Simulation, simulate
from finance.templatetags.finance_tags import euros_text


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date attendue au format AAAA-MM-JJ : {value!r}") from error


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise CommandError(f"Montant invalide : {value!r}") from error
    if not amount.is_finite() or amount < 0:
        raise CommandError(f"Montant invalide : {value!r}")
    return amount


def _pct(key: Key) -> str:
    return f"{key.percent} %".replace(".", ",")


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class Command(BaseCommand):
    help = "Simulate the cost sharing of a convention year (same functions as the finance pages)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--notified", required=True, type=_date, help="Notification date (AAAA-MM-JJ).")
        parser.add_argument("--expenses", required=True, type=_amount, help="Expenses of the sheet, euros.")
        parser.add_argument("--provisional-key", required=True, help="Provisional key, e.g. 0.45.")
        parser.add_argument("--partner-fiches", required=True, type=int)
        parser.add_argument("--total-fiches", required=True, type=int)
        parser.add_argument("--next-expenses", type=_amount, help="Next year's expenses, euros.")
        parser.add_argument("--notice-served", type=_date, help="Date notice was served (AAAA-MM-JJ).")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options) -> None:
        try:
            provisional = Key.from_decimal(_amount(options["provisional_key"]))
            revised = Key(options["partner_fiches"], options["total_fiches"])
        except ValueError as error:
            raise CommandError(f"Clé invalide : {error}") from error
        notified, notice = options["notified"], options["notice_served"]
        if notice is not None and notice < notified:
            raise CommandError("Le préavis ne peut précéder la notification.")
        result = simulate(
            notified, options["expenses"], provisional, revised, options["next_expenses"], notice
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_text(result))


def render_text(result: Simulation) -> str:
    year, amounts = result.year, result.year.amounts
    lines = [
        f"Convention notifiée le {_fr(result.notified)} : année 1 du {_fr(year.period.start)} "
        f"au {_fr(year.period.end)}",
        f"Dépenses de la fiche financière : {euros_text(amounts.expenses)}",
        f"Clé provisoire : {result.provisional_key} ({_pct(result.provisional_key)}) → participation "
        f"provisionnelle {euros_text(amounts.provisional)}",
        "Échéancier :",
    ]
    for i in year.instalments:
        label = {"instalment": "acompte", "settlement": "régularisation", "final": "solde de résiliation"}
        lines.append(
            f"  T{i.quarter} {label[i.kind]:<22} échéance {_fr(i.due_on)}  {euros_text(i.amount):>18}"
        )
    lines += [
        f"Clé révisée : {result.revised_key} = {_pct(result.revised_key)}",
        f"Montant dû pour l'année : {euros_text(amounts.amount_due)}",
        f"Régularisation (T4) : {euros_text(amounts.settlement)}",
        f"Lettre de reconduction à envoyer au plus tard le {_fr(result.renewal_deadline)}",
    ]
    if result.next_year is not None:
        nxt = result.next_year
        lines.append(
            f"Année 2 (du {_fr(nxt.period.start)} au {_fr(nxt.period.end)}) : participation provisionnelle "
            f"{euros_text(nxt.amounts.provisional)}"
        )
        for i in nxt.instalments[:3]:
            lines.append(f"  T{i.quarter} acompte échéance {_fr(i.due_on)}  {euros_text(i.amount):>18}")
    if result.notice_served is not None:
        lines.append(
            f"Préavis signifié le {_fr(result.notice_served)} : fin effective le {_fr(result.effective_end)}"
        )
        if year.final is not None:
            lines.append(
                f"Solde de résiliation : {year.final.days_in_force}/{year.final.days_in_year} jours, dû "
                f"{euros_text(year.final.amount_due)}, déjà appelé {euros_text(year.final.already_paid)}, "
                f"solde {euros_text(year.final.balance)}"
            )
    return "\n".join(lines)
