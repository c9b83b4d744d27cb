"""The load harness's HTTP client behaves like a browser when a kept-alive connection dies under it.

A server closes an idle kept-alive connection after its keep-alive time (gunicorn: 75 s); a client
that reuses the connection at that very moment gets a reset. Browsers send such a GET again on a
new connection; ``requests`` does not. ``browser_adapter()`` does, once, for GET and HEAD only (a
form is never sent twice), and counts each retry in ``RETRIED`` so that the run reports them.
"""
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRIED = []  # the URL of every request sent again


class _CountedRetry(Retry):
    def increment(self, *args, **kwargs):
        retry = super().increment(*args, **kwargs)  # raises when no retry is allowed (a POST, or a second time)
        RETRIED.append(kwargs.get("url") or (args[1] if len(args) > 1 else ""))
        return retry


def browser_adapter() -> HTTPAdapter:
    retry = _CountedRetry(total=1, connect=1, read=1, status=0, redirect=0, other=0,
                          allowed_methods=frozenset({"GET", "HEAD"}), raise_on_status=False)
    return HTTPAdapter(max_retries=retry)
