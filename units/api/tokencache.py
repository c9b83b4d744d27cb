"""A cache of authenticated API tokens, so that a client's steady stream of requests costs no
database query for authentication and scope.

Each entry (keyed by the token's SHA-256 hash, never the key) holds the token with its client
and service account, and the client's ``Access``. It is dropped as soon as the token or its
client changes (revoking, deactivating, changing scope or rate: ``post_save``/``post_delete``),
and every entry is recomputed when a committee or unit changes (the scope of a client depends
on the committee tree and, for read-write clients, on its units) — through a tree version
that changes with them. In production the cache is Redis (``CACHE_URL``), shared by every
worker, so a revoked token stops working at once everywhere; with a per-process cache it
would stop within ``TOKEN_TTL`` seconds on other processes.

Change tokens and clients through the admin or ``units.services`` (which save models), not
with ``QuerySet.update()``, which sends no signal.
"""
import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from units.models import ApiClient, ApiToken, Committee, Unit

TOKEN_TTL = 300
TREE_KEY = "luoshi:api:tree-version"


def token_key(key_hash):
    return f"luoshi:api:token:{key_hash}"


def tree_version():
    """The current version of the committee tree (created on first use, changed by ``bump_tree``)."""
    version = cache.get(TREE_KEY)
    if version is None:
        cache.add(TREE_KEY, uuid.uuid4().hex, None)
        version = cache.get(TREE_KEY)
    return version


def lookup(key_hash):
    """``(token, access)`` from the cache if still valid for the current tree, else ``None``."""
    found = cache.get_many([token_key(key_hash), TREE_KEY])
    entry, version = found.get(token_key(key_hash)), found.get(TREE_KEY)
    if entry is None or version is None or entry["tree"] != version:
        return None
    return entry["token"], entry["access"]


def store(token, access, version):
    cache.set(token_key(token.key_hash), {"token": token, "access": access, "tree": version}, TOKEN_TTL)


def forget_client(client_id):
    hashes = ApiToken.objects.filter(client_id=client_id).values_list("key_hash", flat=True)
    cache.delete_many([token_key(h) for h in hashes])


@receiver([post_save, post_delete], sender=ApiToken, dispatch_uid="luoshi_api_token_changed")
def _token_changed(sender, instance, **kwargs):
    cache.delete(token_key(instance.key_hash))


@receiver([post_save, post_delete], sender=ApiClient, dispatch_uid="luoshi_api_client_changed")
def _client_changed(sender, instance, **kwargs):
    forget_client(instance.pk)


@receiver([post_save, post_delete], sender=Committee, dispatch_uid="luoshi_api_tree_committee")
@receiver([post_save, post_delete], sender=Unit, dispatch_uid="luoshi_api_tree_unit")
def bump_tree(sender=None, **kwargs):
    cache.set(TREE_KEY, uuid.uuid4().hex, None)
