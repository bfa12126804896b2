# Grenshub: `make run` serves the demo, `make test` runs the whole suite. Both install what they need.
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: run test install browser bench

$(BIN)/hub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/hub

install: $(BIN)/hub

# Debian's Chromium for the end-to-end tests (Playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

run: install
	./scripts/run-demo.sh $(HOST) $(PORT)

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done
