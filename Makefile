# IL-2 patient-education assistant. The two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Rasa would otherwise send usage data and crash reports to its servers: never from a clinic.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)
export PYTHONWARNINGS := ignore

.PHONY: help run-prod prod-deps setup venv spacy answers safety nlu model run test eval eval-detail eval-writers bench bench-publish bench-prod mutation lint audit clean browser screenshots report

help:
	@echo "make run    set everything up, then start the assistant (REST: http://localhost:5005/webhooks/rest/webhook)"
	@echo "           and the demo clinic website with the chat widget (http://localhost:8080/)"
	@echo "make test   set everything up, then run the whole test suite"
	@echo "make run-prod  production mode: PostgreSQL, Redis, 2 Rasa replicas and 2 action servers behind nginx"
	@echo "make eval   held-out sets through this assistant, the stock Rasa config and a BM25 baseline, NLU cross-validation"
	@echo "           (writes EVALUATION.md); make eval-detail prints this assistant's misses set by set"
	@echo "make eval-writers  the safety layer on each spent writer's batch, with a net built without that batch"
	@echo "make bench  speed against stock Rasa: training, start, memory, latency and throughput (writes BENCHMARKS.md)"
	@echo "make bench-prod  production mode: 100 patients x 20 turns through nginx, a replica killed; nothing lost"
	@echo "make bench-publish  the maintainers' loop timed: new FAQ import to live answer, review accepted, memory"
	@echo "make report  the staff report of what patients asked (reports/staff.html)"
	@echo "make mutation  mutation testing of the safety check and the reply thresholds"
	@echo "make lint   ruff and mypy"
	@echo "make audit  known-vulnerable versions in requirements.lock (pip-audit; also run by make test)"
	@echo "make screenshots  refresh docs/widget-*.png (the chat widget in a real browser)"

venv: $(STAMP)
$(STAMP): requirements.lock
	@PY310=$$(scripts/find-python310.sh) && echo "Using $$PY310" && \
	  { [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || $$PY310 -m venv --clear $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

spacy: venv
	$(PY) -m bot spacy build

answers: venv
	$(PY) -m bot answers load

# The safety check's reviewed data (data/safety/) and its statistical second net (build/safety/).
safety: venv
	$(PY) -m bot safety check
	$(PY) -m bot safety build

nlu: venv
	$(PY) -m bot nlu generate

model: spacy nlu
	$(PY) -m bot model ensure

setup: answers safety model

run: setup
	scripts/run.sh "$$($(PY) -m bot model path)"

# Production mode on this machine: PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) must run;
# nginx comes from Debian (prod-deps). Widget-facing on IL2BOT_PUBLIC_ADDRESS:IL2BOT_PUBLIC_PORT (0.0.0.0:8000).
run-prod: setup prod-deps
	$(PY) -m bot prod run --model "$$($(PY) -m bot model path)"

# nginx and its JavaScript module from Debian. policy-rc.d keeps the package from starting the system's
# own nginx (its default site listens on port 80 of every interface); ours is started by the project.
prod-deps:
	@{ command -v nginx >/dev/null 2>&1 && [ -f /usr/lib/nginx/modules/ngx_http_js_module.so ]; } || { \
	  echo "Installing nginx for production mode"; \
	  $(SUDO) apt-get update && \
	  if [ -e /usr/sbin/policy-rc.d ]; then $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light libnginx-mod-http-js; \
	  else printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null && $(SUDO) chmod +x /usr/sbin/policy-rc.d && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light libnginx-mod-http-js; rc=$$?; \
	    $(SUDO) rm -f /usr/sbin/policy-rc.d; exit $$rc; fi; }

# Browser tests: Debian's Chromium (never a downloaded browser) and axe-core from npm (package-lock.json).
browser: $(NODE_STAMP)
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Chromium for the browser tests"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@rm -f node_modules/.installed-* && touch $@

test: setup browser prod-deps
	$(PY) -m pytest

screenshots: setup browser
	$(PY) -m tests.browser.screenshots

eval: setup
	$(PY) -m evaluation compare --model "$$($(PY) -m bot model path)"

eval-detail: setup
	$(PY) -m bot eval --model "$$($(PY) -m bot model path)"
	$(PY) -m evaluation safety --model "$$($(PY) -m bot model path)" --part both --show-misses
	$(PY) -m evaluation coverage --model "$$($(PY) -m bot model path)" --part both --show-misses

# Between sealed sets: each spent writer's batch judged by the rules and a net built without it.
eval-writers: setup
	$(PY) -m evaluation safety-writers

bench: setup
	$(PY) -m evaluation bench

# Import to live answer, a review group accepted, memory over five promotions; on a copy of the project.
bench-publish: setup
	$(PY) -m evaluation bench-publish

# Production mode under load: 100 simulated patients x 20 turns through nginx, a replica killed and restarted.
bench-prod: setup prod-deps
	$(PY) -m evaluation bench-prod

report: answers
	$(PY) -m bot report

# Mutation testing (mutmut) of the safety modules and the reply thresholds, against their fast unit tests.
# The net's fingerprint covers bot/safety/text.py, which the mutated copy in mutants/ rewrites (with
# no mutant active it behaves as the original), so the first run only writes the copy and stops at
# its first test; the net built for the real tree is then filed under the copy's fingerprint too.
mutation: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2 > /dev/null 2>&1 || true
	net=$$($(PY) -c 'from bot.safety.net import net_path; print(net_path())') && cd mutants && \
		copy=$$(../$(PY) -c 'from bot.safety.net import net_path; print(net_path())') && cp "$$net" "$$copy"
	$(VENV)/bin/mutmut run --max-children 2 || true
	$(VENV)/bin/mutmut results

# pip-audit of requirements.lock in its own tool venv; fails closed when it could audit nothing.
audit:
	scripts/audit.sh

lint: venv
	$(VENV)/bin/ruff check bot actions tests demo evaluation
	$(VENV)/bin/ruff format --check bot actions tests demo evaluation
	$(VENV)/bin/mypy bot actions evaluation

clean:
	rm -rf build models var reports .pytest_cache mutants
