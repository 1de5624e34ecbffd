# The commands the README names. Each target is a thin wrapper over scripts/.
.PHONY: run dev test lint format ci bench load-test fault-test slow-mail screenshots page-weight

run:   ## start the site with the demo event (gunicorn and the task worker, SQLite in data/); Ctrl-C stops both
	scripts/run

dev:   ## the same with Django's development server and DEBUG on (the worker reloads too)
	DEV=1 scripts/run

test:  ## the whole test suite; DATABASE_URL=postgres://... to run it on PostgreSQL
	scripts/test

lint:  ## ruff; import directions (.importlinter); uv.lock and requirements/dev.txt agree with pyproject.toml
	scripts/bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/python scripts/check_lock.py

format:
	scripts/bootstrap
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

ci:    ## what CI runs
	bash .ci/run

bench: ## req/s, latency, CPU per request and bytes on the wire of the main pages through gunicorn, against two baselines (see README)
	scripts/bootstrap
	command -v wrk >/dev/null || scripts/apt-install wrk
	.venv/bin/python scripts/benchmark.py

load-test: ## many readers while an organiser saves every second (see README)
	scripts/bootstrap
	.venv/bin/python scripts/load_and_edit.py

fault-test: ## readers and an organiser while Redis stops and the database is blocked (see README)
	scripts/bootstrap
	command -v redis-server >/dev/null || scripts/apt-install redis-server
	.venv/bin/python scripts/fault_test.py

slow-mail: ## the request form's response time with a mail server that answers after 5 s (see README)
	scripts/bootstrap
	.venv/bin/python scripts/slow_mail.py

page-weight: ## a phone's first visit to the session page with six photos (bytes on the wire) and Lighthouse's four scores (see README)
	scripts/bootstrap
	scripts/install-browser
	scripts/install-node-tools
	.venv/bin/python scripts/page_weight.py

screenshots: ## docs/screenshots/: the session and event pages on a phone and a desktop, the printed run-of-show
	scripts/bootstrap
	scripts/install-browser
	.venv/bin/python scripts/screenshots.py
