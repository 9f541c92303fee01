# make publish: install airdates and publish the bundled example.
# make test:    install airdates with its test tools and run the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
EXAMPLE = examples/lets-meet/airdates.toml

.PHONY: install compiled publish test bench check clean

$(BIN)/airdates: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(MAKE) --no-print-directory compiled
	touch $@

install: $(BIN)/airdates

# Compile airdates' modules and page templates ahead, as pip does for a regular
# install: a run where Python may not write bytecode (PYTHONDONTWRITEBYTECODE)
# would otherwise compile them again every time.
compiled:
	$(BIN)/python -m compileall -q schedule feeds publisher
	$(BIN)/python -m feeds.pages >/dev/null

tests/js/node_modules: tests/js/package.json
	if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --prefix tests/js && touch $@; fi

publish: install
	$(BIN)/airdates publish -c $(EXAMPLE)

check: install
	$(BIN)/airdates check -c $(EXAMPLE)
	$(BIN)/airdates upcoming -c $(EXAMPLE)

test: install tests/js/node_modules
	$(BIN)/python -m pytest -q

bench: install compiled
	$(BIN)/python bench/network.py

clean:
	rm -rf $(VENV) tests/js/node_modules examples/lets-meet/public examples/lets-meet/.airdates
