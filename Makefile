# rnnbook: `make book` builds the book, `make test` runs every test.
# Both set up what they need themselves: a .venv here, and for the browser tests
# Debian's Chromium (apt-get; needs root, or sudo).

PYTHON ?= python3
VENV := .venv
# A second environment with the oldest numpy that pyproject.toml allows.
VENV_NUMPY1 := .venv-numpy1
PY := $(VENV)/bin/python
# -T: a failing cell's traceback reaches the console also from parallel readers.
# One more reader than cores: Sphinx hands each reader a fixed batch of pages, and the
# slowest chapters otherwise end up waiting in the last batch (measured on 2 cores:
# 60 s with -j auto, 40 s with -j 3).
JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))
SPHINXOPTS ?= -T -W --keep-going -j $(JOBS)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test clean

book: $(VENV)/.installed-docs
	$(PY) -m sphinx $(SPHINXOPTS) -b html -d _build/doctrees . _build/html
	@echo
	@echo "The book is in $(CURDIR)/_build/html (front page: docs/index.html)."
	@echo "To read it offline: $(PY) -m http.server --directory _build/html 8000"
	@echo "and open http://127.0.0.1:8000/ in a browser."

test: $(VENV)/.installed-test $(VENV_NUMPY1)/.installed /usr/bin/chromium
	$(PY) -m pytest
	@echo "The package and its doctests again, with numpy 1.26 (the oldest numpy supported):"
	$(VENV_NUMPY1)/bin/python -m pytest rnnbook tests docs/*.md \
		--ignore=tests/test_book_build.py --ignore=tests/test_browser.py \
		--ignore=tests/test_workbooks.py --ignore=tests/test_chapters_run.py

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV_NUMPY1)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV_NUMPY1)
	$(VENV_NUMPY1)/bin/python -m pip install -e . "numpy==1.26.*" pytest pytest-doctestplus
	touch $@

# Reinstall when pyproject.toml changes.
$(VENV)/.installed-docs: pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[docs]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[test,docs]"
	touch $@ $(VENV)/.installed-docs

# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
/usr/bin/chromium:
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

clean:
	rm -rf _build
