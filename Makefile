# rnnbook: `make book` builds the book (site and PDF), `make test` runs every test.
# Both set up what they need themselves: a .venv here, Debian's TeX packages for the
# PDF, and for the browser tests Debian's Chromium (apt-get; needs root, or sudo).

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
# Installs Debian packages (as root, or through sudo); the packages follow.
APT_INSTALL := $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y
# What the PDF needs from Debian (XeLaTeX, latexmk, xindy for the index, rsvg-convert
# for the SVG figures, the fonts conf.py names, pdftotext to check the result), and
# files that show it is there.
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended tex-gyre \
	latexmk xindy librsvg2-bin fonts-freefont-otf fonts-dejavu-core poppler-utils
TEX_TOOLS := /usr/bin/xelatex /usr/bin/latexmk /usr/bin/xindy /usr/bin/rsvg-convert \
	/usr/bin/pdftotext \
	/usr/share/fonts/opentype/freefont/FreeSerif.otf \
	/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
# XeLaTeX makes it from rnnbook.tex, the file latex_documents (conf.py) names.
PDF := rnnbook.pdf
# axe-core, which the browser tests run on every page, from the npm registry (with
# Debian's npm, installed if missing). PyPI's axe-playwright-python bundles axe-core 4.12.1, whose
# colour-contrast rule took 2 to 5 times as long on the book's pages (measured on
# the API page: 46 s against 20 s for every rule).
AXE_CORE_VERSION := 4.14.1
AXE_CORE := $(VENV)/axe-core-$(AXE_CORE_VERSION)/axe.min.js

.PHONY: book test clean

book: $(VENV)/.installed-docs $(TEX_TOOLS)
	$(PY) -m sphinx $(SPHINXOPTS) -b html -d _build/doctrees . _build/html
	$(MAKE) --no-print-directory _build/html/$(PDF)
	@echo
	@echo "The book is in $(CURDIR)/_build/html (front page: docs/index.html);"
	@echo "the whole book as one PDF: $(CURDIR)/_build/html/$(PDF)."
	@echo "To read it offline: $(PY) -m http.server --directory _build/html 8000"
	@echo "and open http://127.0.0.1:8000/ in a browser."

# The PDF, from the doctrees the HTML build stored (same -d): the LaTeX build reads
# and executes nothing again. Sphinx rewrites environment.pickle only when it read a
# page, so an HTML build that changed nothing leaves the PDF as it is. The check fails
# the build on an unresolved reference; the PDF is then copied into the site.
_build/html/$(PDF): _build/doctrees/environment.pickle conf.py $(wildcard docs/_ext/*.py) \
		docs/references.bib $(VENV)/.installed-docs
	$(PY) -m sphinx $(SPHINXOPTS) -b latex -d _build/doctrees . _build/latex
	$(MAKE) -C _build/latex all-pdf LATEXMKOPTS="-silent -halt-on-error"
	$(PY) docs/_ext/book_pdf.py _build/latex/$(PDF)
	cp _build/latex/$(PDF) $@

test: $(VENV)/.installed-test $(VENV_NUMPY1)/.installed /usr/bin/chromium $(TEX_TOOLS) \
		$(AXE_CORE)
	$(PY) -m pytest
	@echo "The package and its doctests again, with numpy 1.26 (the oldest numpy supported):"
	$(VENV_NUMPY1)/bin/python -m pytest rnnbook tests docs/*.md \
		--ignore=tests/test_book_build.py --ignore=tests/test_browser.py \
		--ignore=tests/test_pdf.py --ignore=tests/test_workbooks.py \
		--ignore=tests/test_chapters_run.py --ignore=tests/test_glossary.py \
		--ignore=tests/test_book_extensions.py

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

# The script and its licence, unpacked from the package npm fetches; the tests look
# for it in the environment they run in.
$(AXE_CORE): | $(PY) /usr/bin/npm
	rm -rf $(@D) && mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_CORE_VERSION) > /dev/null \
		&& tar -xzf axe-core-$(AXE_CORE_VERSION).tgz --strip-components=1 package/axe.min.js \
			package/LICENSE \
		&& rm axe-core-$(AXE_CORE_VERSION).tgz

# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
/usr/bin/chromium:
	$(APT_INSTALL) chromium

/usr/bin/npm:
	$(APT_INSTALL) npm

# One apt-get for all of them (a grouped target: the recipe runs once).
$(TEX_TOOLS) &:
	$(APT_INSTALL) --no-install-recommends \
		$(TEX_PACKAGES)

clean:
	rm -rf _build
