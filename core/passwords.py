"""The password hasher: Argon2id, memory-hard, with costs chosen by measurement on the
production kind of machine (2 cores): 32 MiB and two passes, about 50–60 ms per verification
on a quiet machine (48 MiB took 95 ms, and log-ins took a sixth of the web server's time on a deadline day), where PBKDF2 with
Django's 1,000,000 iterations cost 0.4 s of CPU and made log-in the choke point of a
deadline day. Existing PBKDF2 hashes are upgraded at the user's next log-in."""
from django.contrib.auth.hashers import Argon2PasswordHasher


class LuoshiArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # the same stored prefix as Django's: only the costs differ
    time_cost = 2
    memory_cost = 32 * 1024  # KiB
    parallelism = 1
