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
# Idle keep-alive connections stay open longer than a person pauses between pages: a server
# closing one just as the browser reuses it is a reset the browser must retry.
keepalive = 75
# Load Django once in the master and fork the workers from it: a worker (re)starts in
# milliseconds instead of seconds of imports, so recycling one costs the site nothing.
preload_app = True
# Recycle each process after this many requests (with jitter, so both never go at once) to
# bound memory growth — on a deadline day that is every ten minutes or so, not every minute.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 2000
accesslog = "-"
# The common log format plus the time taken (ms): slow pages show up in the log itself.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
