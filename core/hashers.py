"""Argon2id tuned for interactive staff logins (docs/operations.md, "Passwords and sessions").

Django's defaults (t=2, 100 MiB, p=8) cost 400–520 ms of CPU per login on a 2-core server, so a
shift of 100 agents logging in at 8:00 saturates it. OWASP's password storage cheat sheet gives
m=19 MiB, t=2, p=1 as the minimum for Argon2id: about 25 ms of one core. The figures are
settings (ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM) so a bigger server can raise
them; a stored hash with other parameters is re-hashed at its owner's next login."""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    """Same algorithm name as Django's ("argon2"), so existing hashes keep verifying."""

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_MEMORY_KIB

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.ARGON2_PARALLELISM
