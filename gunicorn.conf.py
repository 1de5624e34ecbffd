"""gunicorn settings for the event microsite. Each value can be overridden on the command line."""

import multiprocessing
import os

# Sync workers: every request is short. App servers hold no state of their own
# (sessions in the database, cache shared through CACHE_URL), so more workers or
# more machines can be added freely.
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Recycle workers now and then so a slow leak can never take a worker down mid-event.
max_requests = 50_000
max_requests_jitter = 5_000
timeout = 30
# Access log on standard output; GUNICORN_ACCESS_LOG= (empty) turns it off, as the benchmark does.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
