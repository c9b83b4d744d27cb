"""gunicorn settings for production (``gunicorn -c config/gunicorn.py config.wsgi:application``).

Threaded workers (gthread): a slow request — an upload, a log-in's password hash, a page
waiting on PostgreSQL — holds one thread, not a whole process, so a deadline day's burst
queues far less than with sync workers. Sized for the 2-core machine: two processes (one
per core, so a crash or a leak never takes the site down alone) with eight threads each.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Uploads over a slow government network and the Excel checks take time; nothing else comes close.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle each process after this many requests (with jitter) to bound memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
